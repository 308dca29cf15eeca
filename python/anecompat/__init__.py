"""Python wrapper over the ``anecompat`` command line.

``test_ane_compatibility_coreml_model`` keeps the name, argument and return values of the original ANECompat
Python binding (0 fully compatible, 1 partially compatible, 2 not compatible; ValueError otherwise), but works on
any OS and can answer for any target chip. ``analyze`` returns the full JSON report as a dict.
"""
import json
import os
import shutil
import subprocess
import tempfile
from glob import glob

ANECompatStatus_Passed = 0
ANECompatStatus_Partial = 1
ANECompatStatus_Failed = 2
ANECompatStatus_ReadError = 3
ANECompatStatus_CompileError = 4
ANECompatStatus_InputError = 5
ANECompatStatus_PredictError = 6
ANECompatStatus_OtherError = 7

__all__ = ["test_ane_compatibility_coreml_model", "analyze", "AneCompatError", "cli_command"]


class AneCompatError(ValueError):
    """The model could not be analysed; ``status`` is the tool's exit code (3 read, 5 input, 7 other)."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

#: Where a native binary placed in the package by the documented build step lives (python/README.md).
BUNDLED_DIR = os.path.join(_PACKAGE_DIR, "bin")

NOT_FOUND = (
    "cannot find the anecompat command line. Do one of: "
    "(1) dotnet tool install -g anecompat (puts `anecompat` on PATH); "
    "(2) set ANECOMPAT_CLI to an anecompat executable or AneCompat.Cli.dll; "
    "(3) build the native binary into this package before installing it: "
    "dotnet publish src/AneCompat.Cli -c Release -r linux-x64 -p:PublishAot=true -o python/anecompat/bin "
    "&& pip install ./python"
)


def _bundled():
    for name in ("anecompat", "AneCompat.Cli", "anecompat.exe", "AneCompat.Cli.exe"):
        path = os.path.join(BUNDLED_DIR, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _command():
    """How to start the CLI: $ANECOMPAT_CLI, a native binary bundled in the package, ``anecompat`` on PATH, or
    (in a source checkout) the repository's own build; otherwise an error that says what to do."""
    explicit = os.environ.get("ANECOMPAT_CLI")
    if explicit:
        if not os.path.exists(explicit) and not shutil.which(explicit):
            raise AneCompatError(f"ANECOMPAT_CLI names {explicit}, which does not exist. " + NOT_FOUND, 7)
        return ["dotnet", explicit] if explicit.endswith(".dll") else [explicit]
    bundled = _bundled()
    if bundled:
        return [bundled]
    on_path = shutil.which("anecompat")
    if on_path:
        return [on_path]
    repo = os.path.dirname(os.path.dirname(_PACKAGE_DIR))
    builds = sorted(glob(os.path.join(repo, "src", "AneCompat.Cli", "bin", "*", "net*", "AneCompat.Cli.dll")),
                    key=os.path.getmtime, reverse=True)
    if builds and shutil.which("dotnet"):
        return ["dotnet", builds[0]]
    raise AneCompatError(NOT_FOUND, 7)


def cli_command():
    """The command line this package will run (a list of strings), or raises AneCompatError saying how to get one."""
    return list(_command())


def _model_path(mlmodel_or_path):
    if isinstance(mlmodel_or_path, (str, os.PathLike)):
        return os.fspath(mlmodel_or_path)
    try:  # a coremltools MLModel: save it first, as the original binding did
        import coremltools as ct
        if isinstance(mlmodel_or_path, ct.models.model.MLModel):
            kind = mlmodel_or_path.get_spec().WhichOneof("Type")
            path = tempfile.mkdtemp(suffix=".mlpackage" if kind == "mlProgram" else ".mlmodel")
            if kind != "mlProgram":
                os.rmdir(path)
            mlmodel_or_path.save(path)
            return path
    except ModuleNotFoundError:
        pass
    raise ValueError("mlmodel_or_path must be str or coremltools.models.MLModel")


def _run(path, extra):
    proc = subprocess.run(_command() + [path] + extra, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr.strip()


def analyze(mlmodel_or_path, target=None, compute_units=None):
    """Full report (the JSON of ``anecompat MODELPATH --format json``) as a dict."""
    extra = ["--format", "json"]
    if target:
        extra += ["--target", target]
    if compute_units:
        extra += ["--compute-units", compute_units]
    code, out, err = _run(_model_path(mlmodel_or_path), extra)
    if code not in (ANECompatStatus_Passed, ANECompatStatus_Partial, ANECompatStatus_Failed):
        raise AneCompatError(err or f"anecompat exited with {code}", code)
    return json.loads(out)


def test_ane_compatibility_coreml_model(mlmodel_or_path, target=None, compute_units=None):
    """
    Test an mlmodel for compatibility with the Apple Neural Engine.

    Parameters
    ----------
    mlmodel_or_path: str | coremltools.models.MLModel
        Path to an .mlmodel/.mlpackage or compiled .mlmodelc, or a coremltools MLModel.
    target: str, optional
        Chip to answer for (e.g. "M1", "A17Pro"); the tool's default when omitted.
    compute_units: str, optional
        all | cpu-and-ne | cpu-and-gpu | cpu-only.

    Returns
    -------
    status: int
        0 - fully compatible, 1 - partially compatible, 2 - not compatible
    """
    extra = []
    if target:
        extra += ["--target", target]
    if compute_units:
        extra += ["--compute-units", compute_units]
    path = _model_path(mlmodel_or_path)
    code, _, err = _run(path, extra)
    if code in (ANECompatStatus_Passed, ANECompatStatus_Partial, ANECompatStatus_Failed):
        return code
    if code == ANECompatStatus_ReadError:
        raise AneCompatError(err or f"Unable to read model file at {path}", code)
    if code == ANECompatStatus_InputError:
        raise AneCompatError(err or "Invalid input", code)
    raise AneCompatError(err or "Unexpected error while performing compatibility check", code)
