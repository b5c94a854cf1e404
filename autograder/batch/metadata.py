"""A Gradescope export's ``submission_metadata.yml``, read with bounds, never trusted.

A real export is a plain mapping of submission folders to their submitters and scores: no
anchors or aliases (``&``/``*``, which expanded can fill the memory: "billion laughs"), a few
levels deep, no key listed twice.  A file that is not so is refused as a whole, with one line
saying why (:class:`MetadataError`); a key listed twice makes each of its entries unusable.
"""
from __future__ import annotations

MAX_BYTES = 64 * 1024**2     # the YAML file
MAX_DEPTH = 20               # nested mappings and lists (an export's are 5 deep)


class MetadataError(Exception):
    """The metadata cannot be used: the message (one line) says why."""


def read_metadata(path) -> tuple[dict[str, dict], list[str]]:
    """The export's entries by folder name, and the problems of single entries (a key listed
    twice: none of its entries is used).  Raises MetadataError when the file cannot be used."""
    try:
        import yaml
    except ImportError:
        raise ImportError("reading a Gradescope export needs PyYAML: pip install "
                          "'ml-math-autograder[instructor]'") from None
    try:
        if path.stat().st_size > MAX_BYTES:
            raise MetadataError(f"larger than {MAX_BYTES // 2**20} MB")
        text = path.read_text(encoding="utf-8")
        loader = _loader(yaml)(text)
        try:
            root = loader.get_single_node()
            if not isinstance(root, yaml.MappingNode):
                raise MetadataError("it is no mapping of submission folders")
            twice = _duplicates(root)
            problems = [f"{path.name} lists {name!r} {len(lines)} times (lines "
                        f"{', '.join(map(str, lines))}): none of them is used"
                        for name, lines in twice.items()]
            entries = {}
            for key, value in root.value:
                name = str(loader.construct_object(key, deep=True))
                if str(key.value) in twice or not isinstance(value, yaml.MappingNode):
                    continue
                try:
                    entries[name] = loader.construct_object(value, deep=True)
                except MetadataError as exc:
                    problems.append(f"{path.name}, entry {name!r}: {exc}: not used")
        finally:
            loader.dispose()
    except MetadataError as exc:
        raise MetadataError(f"{path.name}: {exc}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
        why = " ".join(str(exc).split())[:300]
        raise MetadataError(f"{path.name} could not be read: {why}") from None
    return entries, problems


def _duplicates(mapping) -> dict[str, list[int]]:
    """The keys of a mapping node listed more than once, with the lines they are on."""
    lines: dict[str, list[int]] = {}
    for key, _ in mapping.value:
        lines.setdefault(str(key.value), []).append(key.start_mark.line + 1)
    return {key: found for key, found in lines.items() if len(found) > 1}


def _loader(yaml):
    """PyYAML's safe loader that raises MetadataError on an alias, an anchor or nesting deeper
    than MAX_DEPTH (while composing), and on a key listed twice in one entry (constructing)."""

    class Strict(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            event = self.peek_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise MetadataError(f"line {line}: YAML anchors and aliases (& and *) are "
                                    f"refused; a Gradescope export has none")
            if self.depth >= MAX_DEPTH:
                raise MetadataError(f"line {line}: nested more than {MAX_DEPTH} levels deep")
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node, deep=False):
            twice = _duplicates(node)
            if twice:
                key, lines = next(iter(twice.items()))
                raise MetadataError(f"{key!r} is listed twice in one entry (lines "
                                    f"{', '.join(map(str, lines))})")
            return super().construct_mapping(node, deep=deep)

    return Strict
