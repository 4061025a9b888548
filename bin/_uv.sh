# Sourced by bin/serve, bin/test and .ci/run: sets UV to a working uv, installing it if missing.
# uv is taken from PATH when it runs; otherwise it is installed with pip into .tools/ (a plain
# virtual environment), so nothing outside the project is touched.
find_uv() {
  if command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1; then
    UV=$(command -v uv)
  elif [ -x .tools/bin/uv ]; then
    UV=$PWD/.tools/bin/uv
  else
    local py
    py=$(command -v python3 || command -v python || true)
    if [ -z "$py" ]; then
      echo "Python 3 is needed to install uv; none was found on PATH." >&2
      return 1
    fi
    echo "Installing uv into .tools/ ..." >&2
    "$py" -m venv .tools >&2 && .tools/bin/python -m pip install --quiet --disable-pip-version-check uv >&2
    UV=$PWD/.tools/bin/uv
  fi
  export UV
  # uv finds the interpreter named in .python-version (3.12) among those installed.
  export UV_PYTHON_DOWNLOADS=${UV_PYTHON_DOWNLOADS:-automatic}
}
find_uv
