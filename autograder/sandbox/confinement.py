"""Confinement of the sandboxed child, before any student code runs (:func:`confine`): what
shields the host (private /tmp, IPC and network where the kernel allows it: :func:`isolate`),
the limits it is handed (``settings``, from the grader's session: none is chosen here), the
run's own uid, no new privileges, umask 077, and the grader's package made unimportable
(:func:`hide_grader`).  Loaded by the harness by path: it imports nothing of the grader.
"""
import os
import sys

SANDBOX = os.path.dirname(os.path.realpath(__file__))
STANDINS = os.path.join(SANDBOX, "standins")   # TensorFlow's stand-in, the MNIST reader
SCRATCH = ("/tmp", "/var/tmp", "/dev/shm")      # made private to the child where possible
CLONE_NEWNS, CLONE_NEWIPC = 0x00020000, 0x08000000
CLONE_NEWNET, CLONE_NEWUSER = 0x40000000, 0x10000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x1000, 0x4000, 0x40000
PR_SET_NO_NEW_PRIVS = 38


def apply_limits(settings):
    """Hard limits (soft = hard), set before any student code runs."""
    import resource
    limits = ((resource.RLIMIT_CPU, int(settings["cpu_seconds"])),
              (resource.RLIMIT_AS, int(settings["memory_mb"]) * 1024 * 1024),
              (resource.RLIMIT_FSIZE, int(settings["file_mb"]) * 1024 * 1024),
              (resource.RLIMIT_NOFILE, int(settings["open_files"])),
              (resource.RLIMIT_CORE, 0))
    for limit, value in limits:
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass


def _libc(function, *args):
    """Call a C library function (whole numbers passed as unsigned long, as the flags of
    mount and prctl are); raise OSError when it fails."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    args = [ctypes.c_ulong(a) if isinstance(a, int) else a for a in args]
    if getattr(libc, function)(*args) != 0:
        error = ctypes.get_errno()
        raise OSError(error, "%s: %s" % (function, os.strerror(error)))


def leave_network():
    """Without root: move into a new, empty network namespace (no interface but a downed
    loopback) inside a new user namespace, where the kernel allows it.  Returns whether the
    network is gone."""
    try:
        _libc("unshare", CLONE_NEWNET | CLONE_NEWUSER)
        return True
    except (OSError, AttributeError):
        return False


def isolate(settings):
    """Shield the host from student code, as far as the kernel allows: as root, new mount,
    IPC and (unless allowed) network namespaces with private scratch folders
    (:func:`private_scratch`); otherwise only the network goes.  Returns whether the scratch
    folders are private, and what was done, for the instructor's log."""
    no_network = settings["no_network"]
    if os.geteuid() != 0:
        gone = no_network and leave_network()
        return False, ["network namespace" if gone else "network open",
                       "no mount namespace (not root)"]
    try:
        _libc("unshare", CLONE_NEWNS | CLONE_NEWIPC | (CLONE_NEWNET if no_network else 0))
    except (OSError, AttributeError) as exc:
        return False, ["network open", "no mount namespace (%s)" % exc]
    network = "network namespace" if no_network else "network open"
    try:
        private_scratch(4 * int(settings["file_mb"]))
    except OSError as exc:
        return False, [network, "IPC namespace", "no private /tmp (%s)" % exc]
    return True, [network, "IPC namespace",
                  "mount namespace: private tmpfs on %s" % ", ".join(SCRATCH)]


def private_scratch(megabytes):
    """Make every mount private to this namespace and put a fresh tmpfs (1777, nosuid, nodev,
    ``megabytes`` each) on /tmp, /var/tmp and /dev/shm.  What the child needs from under them
    (its working folder, the stand-ins, MNIST, and the interpreter's own folders and libraries,
    e.g. a checkout with its virtual environment in /tmp) is opened first and bind-mounted back
    at the same path, so paths, ``os.getcwd()`` and imports stay as they were."""
    cwd = os.getcwd()
    _libc("mount", None, b"/", None, MS_REC | MS_PRIVATE, None)
    hidden = [folder for folder in SCRATCH if os.path.isdir(folder)]
    needed = {os.path.realpath(p) for p in (cwd, STANDINS, os.environ.get("AUTOGRADER_MNIST"),
                                            sys.prefix, sys.base_prefix, *sys.path)
              if p and os.path.isdir(p)}
    kept = {path: os.open(path, os.O_PATH) for path in sorted(needed)
            if any(path == f or path.startswith(f + "/") for f in hidden)}
    try:
        options = "size=%dm,nr_inodes=65536,mode=1777" % megabytes
        for folder in hidden:
            _libc("mount", b"tmpfs", folder.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                  options.encode())
        for path, fd in kept.items():
            os.makedirs(path, exist_ok=True)
            _libc("mount", ("/proc/self/fd/%d" % fd).encode(), path.encode(), None, MS_BIND,
                  None)
    finally:
        for fd in kept.values():
            os.close(fd)
    os.chdir(cwd)


def private_tmpdir():
    """Where /tmp stays shared: a 0700 folder of the child's own in its working folder (in
    the run's folder) as TMPDIR, TEMP and TMP."""
    import tempfile
    folder = tempfile.mkdtemp(prefix=".tmp-", dir=os.getcwd())
    for name in ("TMPDIR", "TEMP", "TMP"):
        os.environ[name] = folder
    return "TMPDIR is a private folder in the run's folder"


def no_new_privileges():
    """``prctl(PR_SET_NO_NEW_PRIVS)``: setuid programs (su, sudo) run without their owner's
    rights, for good."""
    try:
        _libc("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        return "no new privileges"
    except (OSError, AttributeError) as exc:
        return "new privileges possible (%s)" % exc


class GraderBlocker:
    """A meta-path finder that refuses the grader's own package to submitted code."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "autograder" or name.startswith("autograder."):
            raise ModuleNotFoundError("No module named %r: the grader's own modules are not "
                                      "importable by submitted code" % name, name=name)
        return None


def hide_grader():
    """Make the grader's package unimportable: the project's folder off ``sys.path`` (unless
    it is site-packages, where the libraries are too), the editable install's finders and path
    hooks gone, and :class:`GraderBlocker` first on ``sys.meta_path``."""
    project = os.path.dirname(os.path.dirname(SANDBOX))
    installed = os.path.basename(project) in ("site-packages", "dist-packages")

    def editable(item):
        return str(getattr(item, "__module__", item)).startswith("__editable__")

    sys.path[:] = [p for p in sys.path if not editable(p)
                   and (installed or os.path.realpath(p or ".") != project)]
    sys.meta_path[:] = [GraderBlocker] + [f for f in sys.meta_path if not editable(f)]
    sys.path_hooks[:] = [hook for hook in sys.path_hooks if not editable(hook)]
    sys.path_importer_cache.clear()


def drop_privileges(settings):
    """Become the unprivileged sandbox user for good (root only; refuse to go on as root)."""
    uid, gid = settings.get("uid"), settings.get("gid")
    if uid is None:
        return
    import resource
    processes = int(settings["processes"])
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise SystemExit("could not drop root privileges")



def confine(settings):
    """Confine this process for good, as ``settings`` (the child's limits, and the uid and gid
    to run as, as root) say; returns what shields the host, for the instructor's log."""
    private, isolation = isolate(settings)
    apply_limits(settings)
    drop_privileges(settings)
    if not private:
        isolation.append(private_tmpdir())
    os.umask(0o077)
    isolation += [no_new_privileges(), "umask 077"]
    hide_grader()
    return isolation
