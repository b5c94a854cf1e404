#!/usr/bin/env bash
# Install everything the autograder needs into ./.venv (idempotent).
#
# Works on a fresh Linux machine (any user) and on Gradescope's Ubuntu 22.04 image, where it
# runs as root in /autograder/source: the system python3 is left untouched (everything goes into
# the virtual environment), and python3-venv is installed with apt when the image lacks it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
here=$(pwd)
python=${PYTHON:-python3}

say() { printf 'setup.sh: %s\n' "$*"; }

if ! command -v "$python" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing python3"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
    else
        say "no $python found: install Python 3.10 or newer" >&2; exit 1
    fi
fi
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || { say "Python 3.10 or newer is needed ($("$python" --version 2>&1) found)" >&2; exit 1; }

venv_ok() { [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; }

if ! venv_ok; then
    rm -rf .venv
    if ! "$python" -m venv .venv >/dev/null 2>&1; then
        # Debian/Ubuntu ship venv without ensurepip unless python3-venv is installed.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            say "installing python3-venv with apt"
            ver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$ver-venv" >/dev/null \
                || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            rm -rf .venv
            "$python" -m venv .venv
        else
            say "cannot create a virtual environment: install python3-venv" >&2; exit 1
        fi
    fi
fi

# A Gradescope image or a checkout?  The Gradescope zip alone holds the file ASSIGNMENT (written
# by `python -m autograder package`): it grades that one assignment, so it gets the runtime and
# the assignment's extras only, none of the instructor's or developer's tools (`.[dev]`:
# matplotlib, PyYAML, Dask, Jupyter).  The file decides, not the folder /autograder: what is
# installed follows from what was unpacked (a checkout on a machine that has /autograder is
# still a checkout; an unpacked zip is graded the same anywhere, which is how it is tested).
if [ -f ASSIGNMENT ]; then packaged=1 install=.; else packaged= install=".[dev]"; fi

say "installing the autograder and its dependencies into $here/.venv"
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$install"
# An editable install compiles nothing: compile the grader once (about 0.1 s of every grading
# otherwise, on machines where PYTHONDONTWRITEBYTECODE keeps Python from caching it itself;
# a source changed since is compiled afresh in memory, so a stale file costs time, never truth).
.venv/bin/python -m compileall -q autograder
.venv/bin/python -m autograder list >/dev/null

# report.html's browser test drives Debian's chromium through Playwright (whose own browser
# downloads are not used): a checkout set up as root installs it; elsewhere the test skips.
if [ -z "$packaged" ] && ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] \
        && command -v apt-get >/dev/null 2>&1; then
    say "installing chromium for report.html's browser test"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
        >/dev/null; } || say "chromium could not be installed: its browser test will skip"
fi

# Packages the assignments let students use (`extras` in assignment.toml, e.g. torch for
# backprop), each a pyproject extra of the same name: the graded assignment's on Gradescope
# (the file ASSIGNMENT, or $AUTOGRADER_ASSIGNMENT), every assignment's in a checkout (tests, CI).
# PyTorch comes from its CPU wheels ($AUTOGRADER_TORCH_INDEX; empty: PyPI only), since PyPI's
# Linux wheels pull in about 5 GB of CUDA libraries.
assignment=${AUTOGRADER_ASSIGNMENT:-$(cat ASSIGNMENT 2>/dev/null || true)}
extras=$(.venv/bin/python - $assignment <<'PY'
import sys
from autograder.assignment import available, load_assignment
print(",".join(sorted({e for a in sys.argv[1:] or available() for e in load_assignment(a).extras})))
PY
)
if [ -n "$extras" ]; then
    index=${AUTOGRADER_TORCH_INDEX-https://download.pytorch.org/whl/cpu}
    # An index out of reach (an offline machine with its own wheels) would cost pip five
    # retries per package: leave it out, the pin still holds.
    if [ -n "$index" ] && ! .venv/bin/python -c 'import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=5)' "$index/" 2>/dev/null; then
        say "$index is out of reach: installing from the configured indexes only"
        index=""
    fi
    say "installing what the assignments let students use: $extras${index:+ (also from $index)}"
    .venv/bin/python -m pip install -q --disable-pip-version-check \
        ${index:+--extra-index-url "$index"} -e ".[$extras]"
fi

# As root (Gradescope, CI): student code runs under a uid of its own per grading run, in the
# group of this unprivileged user, which also stands in to check the interpreter is usable.
if [ "$(id -u)" = 0 ]; then
    user=${AUTOGRADER_SANDBOX_USER:-autograder-sandbox}
    if ! id "$user" >/dev/null 2>&1; then
        say "creating the unprivileged user $user for student code"
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
    fi
    # The user must be able to run the interpreter: grant traversal (x, not listing) on any
    # folder above it that lacks it (pyenv under a private /root, for instance).
    probe=(runuser -u "$user" -- "$here/.venv/bin/python" -I -c 'import numpy, sympy')
    if ! "${probe[@]}" >/dev/null 2>&1; then
        for dir in "$here" "$(.venv/bin/python -c 'import sys; print(sys.base_prefix)')"; do
            while [ "$dir" != / ]; do
                if [ -d "$dir" ] && [ "$(( 0$(stat -c %a "$dir") & 1 ))" = 0 ]; then
                    say "letting $user pass through $dir (chmod o+x)"
                    chmod o+x "$dir"
                fi
                dir=$(dirname "$dir")
            done
        done
        "${probe[@]}" >/dev/null || { say "$user cannot run $here/.venv/bin/python" >&2; exit 1; }
    fi
fi
# MNIST, for an assignment whose graders read it: the Gradescope zip carries the four files
# (data/mnist, or the folder $AUTOGRADER_MNIST names); any missing or damaged one is fetched,
# MD5-checked.  Without it every submission would be graded wrong: setup fails, loudly.  In a
# checkout, `python -m autograder data` fetches it, or AUTOGRADER_MNIST names a folder.
if [ -n "$packaged" ] && .venv/bin/python -c 'import sys
from autograder.assignment import load_assignment
from autograder.mnist import needed_by
sys.exit(not needed_by(load_assignment(sys.argv[1])))' "$assignment"; then
    if ! .venv/bin/python -m autograder data; then
        say "the graders of $assignment read MNIST, which is neither in this zip nor could be" \
            "downloaded: package the assignment where \`python -m autograder data\` has run" >&2
        exit 1
    fi
    chmod -R o+rX data 2>/dev/null || true  # student code loads it, as the sandbox user
fi
if [ -n "$packaged" ]; then
    say "ready: Gradescope grades each submission of $assignment with run_autograder"
else
    say "done: run the tests with .venv/bin/python -m pytest"
fi
