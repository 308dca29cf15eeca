"""Tests of the Python wrapper against the real CLI and real model files (run by the .NET test suite)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# ANECOMPAT_TEST_INSTALLED=1 tests the package pip installed (CI's ship check); otherwise this checkout's source.
INSTALLED = os.environ.get("ANECOMPAT_TEST_INSTALLED") == "1"
if not INSTALLED:
    sys.path.insert(0, os.path.dirname(HERE))

import anecompat  # noqa: E402

CORPUS = os.environ.get("ANECOMPAT_CORPUS") or os.path.join(os.path.dirname(REPO), "shared", "corpus")
HAVE_CORPUS = os.path.isfile(os.path.join(CORPUS, "expected-ops.json"))
SAMPLE = os.path.join(REPO, "samples", "tiny-convnet.mlmodel")


class OriginalFunctionTests(unittest.TestCase):
    def test_sample_is_partial_like_the_cli_says(self):
        # The sample's addBroadcastable layer falls off the ANE (NN-BROADCASTABLE-ND): partially compatible.
        self.assertEqual(anecompat.test_ane_compatibility_coreml_model(SAMPLE), anecompat.ANECompatStatus_Partial)

    @unittest.skipUnless(HAVE_CORPUS, "needs the external model corpus (set ANECOMPAT_CORPUS)")
    def test_classical_model_is_not_compatible(self):
        path = os.path.join(CORPUS, "insurance-xgboost", "insurance_model.mlmodel")
        self.assertEqual(anecompat.test_ane_compatibility_coreml_model(path), anecompat.ANECompatStatus_Failed)

    def test_compute_units_cpu_only_takes_the_ane_away(self):
        status = anecompat.test_ane_compatibility_coreml_model(SAMPLE, compute_units="cpu-only")
        self.assertEqual(status, anecompat.ANECompatStatus_Failed)

    def test_unreadable_model_raises_with_status_3(self):
        missing = os.path.join(HERE, "no-such-model.mlmodel")
        with self.assertRaises(anecompat.AneCompatError) as ctx:
            anecompat.test_ane_compatibility_coreml_model(missing)
        self.assertEqual(ctx.exception.status, anecompat.ANECompatStatus_ReadError)
        self.assertIn("no-such-model.mlmodel", str(ctx.exception))
        self.assertIsInstance(ctx.exception, ValueError)

    def test_unknown_target_is_an_input_error(self):
        with self.assertRaises(anecompat.AneCompatError) as ctx:
            anecompat.test_ane_compatibility_coreml_model(SAMPLE, target="Z80")
        self.assertEqual(ctx.exception.status, anecompat.ANECompatStatus_InputError)

    def test_rejects_objects_that_are_not_paths_or_models(self):
        with self.assertRaises(ValueError):
            anecompat.test_ane_compatibility_coreml_model(42)


class AnalyzeTests(unittest.TestCase):
    def test_report_names_the_rule_the_target_and_the_fix(self):
        report = anecompat.analyze(SAMPLE, target="M1")
        self.assertEqual(report["schemaVersion"], 2)
        self.assertEqual(report["target"]["name"], "M1")
        self.assertEqual(report["status"]["code"], 1)
        rules = {r["ruleId"]: r for r in report["rules"]}
        self.assertIn("NN-BROADCASTABLE-ND", rules)
        self.assertTrue(rules["NN-BROADCASTABLE-ND"]["fix"])
        residual = [op for op in report["ops"] if op["name"] == "residual"][0]
        self.assertEqual(residual["source"], "addBroadcastable")
        self.assertNotEqual(residual["device"], "ane")


class InstalledPackageTests(unittest.TestCase):
    @unittest.skipUnless(INSTALLED and os.path.isdir(anecompat.BUNDLED_DIR), "tests a pip-installed package with its binary")
    def test_the_installed_package_runs_its_bundled_binary(self):
        self.assertNotIn("ANECOMPAT_CLI", os.environ)
        command = anecompat.cli_command()
        self.assertEqual(os.path.dirname(command[0]), anecompat.BUNDLED_DIR)
        self.assertFalse(anecompat.__file__.startswith(REPO + os.sep), anecompat.__file__)


class FindingTheCliTests(unittest.TestCase):
    """The package as pip installs it, copied alone into a temporary folder (no repository build beside it)."""

    def _run(self, code, env_extra, setup=None):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(os.path.dirname(os.path.abspath(anecompat.__file__)), os.path.join(tmp, "anecompat"),
                            ignore=shutil.ignore_patterns("bin", "__pycache__"))
            env = {k: v for k, v in os.environ.items() if k != "ANECOMPAT_CLI"}
            env["PATH"] = os.path.join(tmp, "no-such-dir")
            env.update({k: v.replace("{tmp}", tmp) for k, v in env_extra.items()})
            if setup:
                setup(tmp)
            return subprocess.run([sys.executable, "-c", code], cwd=tmp, env=env, capture_output=True, text=True)

    def test_no_cli_anywhere_says_exactly_what_to_do(self):
        proc = self._run("import anecompat\ntry:\n    anecompat.cli_command()\nexcept anecompat.AneCompatError as e:\n"
                         "    print(e.status, e)\n", {})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(proc.stdout.startswith("7 "), proc.stdout)
        for hint in ("dotnet tool install -g anecompat", "ANECOMPAT_CLI", "-p:PublishAot=true -o python/anecompat/bin"):
            self.assertIn(hint, proc.stdout)

    def test_a_missing_anecompat_cli_path_is_named(self):
        proc = self._run("import anecompat\ntry:\n    anecompat.cli_command()\nexcept anecompat.AneCompatError as e:\n"
                         "    print(e)\n", {"ANECOMPAT_CLI": "{tmp}/nowhere/anecompat"})
        self.assertIn("nowhere/anecompat", proc.stdout)
        self.assertIn("does not exist", proc.stdout)

    def test_a_binary_bundled_in_the_package_is_used(self):
        def place(tmp):
            os.makedirs(os.path.join(tmp, "anecompat", "bin"))
            exe = os.path.join(tmp, "anecompat", "bin", "anecompat")
            with open(exe, "w") as f:
                f.write("#!/bin/sh\nexit 2\n")
            os.chmod(exe, 0o755)
        proc = self._run("import anecompat\nprint(anecompat.cli_command()[0])\n"
                         "print(anecompat.test_ane_compatibility_coreml_model('any.mlmodel'))\n", {}, setup=place)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.split()
        self.assertTrue(lines[0].endswith(os.path.join("anecompat", "bin", "anecompat")), proc.stdout)
        self.assertEqual(lines[1], "2")


if __name__ == "__main__":
    unittest.main()
