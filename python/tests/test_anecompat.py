"""Tests of the Python wrapper against the real CLI and real model files (run by the .NET test suite)."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

import anecompat  # noqa: E402

CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")
SAMPLE = os.path.join(REPO, "samples", "tiny-convnet.mlmodel")


class OriginalFunctionTests(unittest.TestCase):
    def test_sample_is_partial_like_the_cli_says(self):
        # The sample's addBroadcastable layer falls off the ANE (NN-BROADCASTABLE-ND): partially compatible.
        self.assertEqual(anecompat.test_ane_compatibility_coreml_model(SAMPLE), anecompat.ANECompatStatus_Partial)

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
        self.assertEqual(report["schemaVersion"], 1)
        self.assertEqual(report["target"]["name"], "M1")
        self.assertEqual(report["status"]["code"], 1)
        rules = {r["ruleId"]: r for r in report["rules"]}
        self.assertIn("NN-BROADCASTABLE-ND", rules)
        self.assertTrue(rules["NN-BROADCASTABLE-ND"]["fix"])
        residual = [op for op in report["ops"] if op["name"] == "residual"][0]
        self.assertEqual(residual["source"], "addBroadcastable")
        self.assertNotEqual(residual["device"], "ane")


if __name__ == "__main__":
    unittest.main()
