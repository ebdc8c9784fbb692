"""Tests of lepton_run: the files it writes, checked at the byte and format level.

Run with `python3 -m unittest discover -s integrations/python` (standard library and
NumPy only).
"""

import ast
import datetime
import json
import os
import struct
import subprocess
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lepton_run  # noqa: E402
from lepton_run import LeptonRun, LeptonRunError, compute_report  # noqa: E402

CLASSES = ["cat", "dog", "bird"]
# Four samples; argmax is right for samples 0, 1 and 3 (3 of 4).
SCORES = np.array([
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1],
    [0.5, 0.3, 0.2],
    [0.2, 0.2, 0.6],
], dtype=np.float64)
LABELS = np.array([0, 1, 1, 2])


def read_npy_header(path):
    """Returns (major version, header dict, payload bytes) of a .npy file."""
    with open(path, "rb") as handle:
        data = handle.read()
    assert data[:6] == b"\x93NUMPY", data[:6]
    major = data[6]
    if major == 1:
        (length,) = struct.unpack("<H", data[8:10])
        start = 10
    else:
        (length,) = struct.unpack("<I", data[8:12])
        start = 12
    header = data[start:start + length].decode("latin1")
    return major, ast.literal_eval(header), data[start + length:], (start + length)


def read_bytes(path):
    with open(path, "rb") as handle:
        return handle.read()


def read_events(path):
    with open(os.path.join(path, "events.jsonl"), "rb") as handle:
        data = handle.read()
    assert data.endswith(b"\n")
    return [json.loads(line) for line in data.split(b"\n") if line]


def read_status(path):
    with open(os.path.join(path, "run.json"), encoding="utf-8") as handle:
        return json.load(handle)


class RunTestCase(unittest.TestCase):
    def setUp(self):
        self.temporary = tempfile.TemporaryDirectory()
        self.runs = os.path.join(self.temporary.name, "runs")

    def tearDown(self):
        self.temporary.cleanup()

    def start(self, **options):
        arguments = dict(model="tiny-net", dataset="made-up", classes=CLASSES,
                         config={"epochs": 2, "batch_size": 4, "lr": 0.1, "seed": 7,
                                 "dropout": 0.25})
        arguments.update(options)
        return LeptonRun(self.runs, **arguments)


class FormatTests(RunTestCase):
    def test_two_epoch_run_writes_the_format(self):
        with self.start() as run:
            for epoch in (1, 2):
                for step in (1, 2):
                    run.log_batch(step, 1.5 / (epoch + step), 0.1, accuracy=0.5)
                run.log_epoch(epoch, train_loss=0.9 / epoch, test_scores=SCORES,
                              test_labels=LABELS)
        path = run.path
        self.assertEqual(sorted(os.listdir(path)), [
            "events.jsonl", "labels-test.npy", "run.json", "scores-test-epoch-1.npy",
            "scores-test-epoch-2.npy"])

        events = read_events(path)
        self.assertEqual([event["type"] for event in events], [
            "runStarted", "batchEnded", "batchEnded", "evaluated", "epochEnded",
            "batchEnded", "batchEnded", "evaluated", "epochEnded", "runFinished"])
        payload = {"runStarted": "config", "batchEnded": "batch", "evaluated": "evaluation",
                   "epochEnded": "epoch", "runFinished": "summary"}
        for event in events:
            self.assertEqual(event["schema"], 1)
            self.assertIsInstance(event["time"], float)
            self.assertEqual(set(event), {"schema", "type", "time", payload[event["type"]]})

        config = events[0]["config"]
        for key in ("runID", "model", "layers", "parameterCount", "dataset", "dataDirectory",
                    "classNames", "inputShape", "trainCount", "testCount", "epochs",
                    "batchSize", "learningRate", "momentum", "weightDecay", "seed",
                    "stepsPerEpoch", "versions", "startedAt"):
            self.assertIn(key, config)
        self.assertEqual(config["runID"], run.id)
        self.assertEqual(config["classNames"], CLASSES)
        self.assertEqual(config["epochs"], 2)
        self.assertEqual(config["learningRate"], 0.1)
        self.assertEqual(config["extra"], {"dropout": 0.25})
        datetime.datetime.strptime(config["startedAt"], "%Y-%m-%dT%H:%M:%SZ")

        batches = [event["batch"] for event in events if event["type"] == "batchEnded"]
        self.assertEqual([(b["epoch"], b["step"], b["globalStep"]) for b in batches],
                         [(1, 1, 1), (1, 2, 2), (2, 1, 3), (2, 2, 4)])
        self.assertEqual(batches[0]["learningRate"], 0.1)
        self.assertEqual(batches[0]["loss"], 0.75)
        self.assertIsInstance(batches[0]["imagesPerSecond"], (float, str))

        evaluation = events[3]["evaluation"]
        self.assertEqual(evaluation, {
            "epoch": 1, "split": "test", "sampleCount": 4, "classCount": 3,
            "scoresFile": "scores-test-epoch-1.npy", "labelsFile": "labels-test.npy"})

        summary = events[4]["epoch"]
        self.assertEqual(summary["epoch"], 1)
        self.assertEqual(summary["trainLoss"], 0.9)
        self.assertEqual(summary["test"]["accuracy"], 0.75)
        self.assertEqual(summary["test"]["sampleCount"], 4)
        self.assertEqual(summary["test"]["confusionMatrix"],
                         {"classCount": 3, "counts": [1, 0, 0, 1, 1, 0, 0, 0, 1]})
        self.assertNotIn("validation", summary)
        self.assertEqual(events[-1]["summary"]["completedEpochs"], 2)
        self.assertEqual(events[-1]["summary"]["finalTest"]["accuracy"], 0.75)

        status = read_status(path)
        self.assertEqual(status["status"], "finished")
        self.assertEqual(status["completedEpochs"], 2)
        self.assertNotIn("processID", status)
        self.assertEqual(status["config"], config)

    def test_lines_are_compact_sorted_json(self):
        with self.start() as run:
            run.log_batch(1, float("nan"), 0.1)
            run.log_epoch(1, test_scores=SCORES, test_labels=LABELS)
        with open(os.path.join(run.path, "events.jsonl"), "rb") as handle:
            lines = handle.read().split(b"\n")[:-1]
        for line in lines:
            self.assertNotIn(b": ", line)
            self.assertNotIn(b"NaN,", line.replace(b'"NaN",', b""))
            record = json.loads(line)
            self.assertEqual(list(record), sorted(record))
        batch = json.loads(lines[1])["batch"]
        # Non-finite numbers are strings, as Lepton's decoder expects; JSON has no NaN.
        self.assertEqual(batch["loss"], "NaN")
        self.assertEqual(batch["accuracy"], "NaN")

    def test_npy_files_are_float32_and_int64_version_1(self):
        with self.start() as run:
            run.log_epoch(1, test_scores=SCORES.tolist(), test_labels=LABELS.astype(np.int32))
        major, header, payload, offset = read_npy_header(
            os.path.join(run.path, "scores-test-epoch-1.npy"))
        self.assertEqual(major, 1)
        self.assertEqual(header, {"descr": "<f4", "fortran_order": False, "shape": (4, 3)})
        self.assertEqual(offset % 64, 0)
        self.assertEqual(len(payload), 4 * 3 * 4)
        self.assertTrue(np.array_equal(np.frombuffer(payload, "<f4").reshape(4, 3),
                                       SCORES.astype(np.float32)))
        major, header, payload, _ = read_npy_header(os.path.join(run.path, "labels-test.npy"))
        self.assertEqual(header, {"descr": "<i8", "fortran_order": False, "shape": (4,)})
        self.assertEqual(np.frombuffer(payload, "<i8").tolist(), LABELS.tolist())

    def test_validation_split_and_logits(self):
        logits = np.log(SCORES) + 3.0
        with self.start() as run:
            run.log_epoch(1, test_scores=logits, test_labels=LABELS, validation_scores=logits[:2],
                          validation_labels=LABELS[:2], kind="logits")
        events = read_events(run.path)
        splits = [event["evaluation"]["split"] for event in events
                  if event["type"] == "evaluated"]
        self.assertEqual(splits, ["validation", "test"])
        summary = [event for event in events if event["type"] == "epochEnded"][0]["epoch"]
        self.assertEqual(summary["validation"]["accuracy"], 1.0)
        self.assertEqual(summary["test"]["accuracy"], 0.75)
        stored = np.load(os.path.join(run.path, "scores-validation-epoch-1.npy"))
        self.assertTrue(np.allclose(stored, SCORES[:2], atol=1e-6))
        self.assertTrue(os.path.exists(os.path.join(run.path, "labels-validation.npy")))

    def test_status_while_running_records_the_process(self):
        run = self.start()
        status = read_status(run.path)
        self.assertEqual(status["status"], "running")
        self.assertEqual(status["processID"], os.getpid())
        self.assertEqual(status["completedEpochs"], 0)
        # The runStarted line is on disk before any batch.
        self.assertEqual([event["type"] for event in read_events(run.path)], ["runStarted"])
        run.log_batch(1, 0.5)
        run.log_epoch(1, test_scores=SCORES, test_labels=LABELS)
        self.assertEqual(read_status(run.path)["status"], "running")
        self.assertEqual(read_events(run.path)[-1]["type"], "epochEnded")
        run.finish()
        self.assertTrue(run.finished)
        with self.assertRaises(RuntimeError):
            run.log_batch(2, 0.5)

    def test_batch_lines_are_buffered_until_flush_every(self):
        run = self.start(flush_every=3)
        run.log_batch(1, 0.5)
        run.log_batch(2, 0.5)
        self.assertEqual(len(read_events(run.path)), 1)
        run.log_batch(3, 0.5)
        self.assertEqual(len(read_events(run.path)), 4)
        run.log_batch(4, 0.5)
        run.flush()
        self.assertEqual(len(read_events(run.path)), 5)
        run.finish()

    def test_report_matches_hand_computed_values(self):
        report = compute_report(LABELS, SCORES, 3)
        self.assertEqual(report["accuracy"], 0.75)
        # Class 1 (dog): TP 1 (sample 1), FN 1 (sample 2 predicted cat), FP 0.
        dog = report["perClass"][1]
        self.assertEqual((dog["truePositives"], dog["falsePositives"], dog["falseNegatives"]),
                         (1, 0, 1))
        self.assertEqual(dog["precision"], 1.0)
        self.assertEqual(dog["recall"], 0.5)
        # Cat scores 0.7 (cat), 0.1, 0.5, 0.2: the cat ranks above all three others.
        self.assertEqual(report["perClass"][0]["auc"], 1.0)
        expected_loss = -np.mean(np.log([0.7, 0.8, 0.3, 0.6]))
        self.assertAlmostEqual(report["loss"], expected_loss, places=6)
        self.assertAlmostEqual(report["macro"]["f1"], (2 / 3 + 2 / 3 + 1) / 3, places=12)
        self.assertEqual(report["micro"]["precision"], 0.75)

    def test_undefined_auc_is_nan_with_its_reason(self):
        report = compute_report([0, 0, 1, 1], [[0.9, 0.1, 0], [0.6, 0.4, 0], [0.3, 0.7, 0],
                                               [0.2, 0.8, 0]], 3)
        bird = report["perClass"][2]
        self.assertNotEqual(bird["auc"], bird["auc"])
        self.assertEqual(bird["aucUndefinedReason"], "noPositiveSamples")
        self.assertEqual(report["macro"]["undefinedAUCCount"], 1)
        self.assertEqual(report["macro"]["includedClasses"]["labelCount"], 2)
        line = lepton_run._encode_line({"epoch": {"test": report}})
        self.assertIn(b'"auc":"NaN"', line)


class IdentifierTests(RunTestCase):
    def test_two_runs_in_the_same_second_get_different_ids(self):
        fixed = datetime.datetime(2026, 12, 4, 15, 30, 12, tzinfo=datetime.timezone.utc)

        class FixedDateTime(datetime.datetime):
            @classmethod
            def now(cls, tz=None):
                return fixed

        with mock.patch.object(lepton_run.datetime, "datetime", FixedDateTime):
            first = self.start(model="my net/v2")
            second = self.start(model="my net/v2")
            third = self.start(model="my net/v2")
        self.assertEqual(first.id, "20261204-153012-my_net_v2")
        self.assertEqual(second.id, "20261204-153012-my_net_v2-2")
        self.assertEqual(third.id, "20261204-153012-my_net_v2-3")
        self.assertEqual(read_events(second.path)[0]["config"]["runID"], second.id)
        for run in (first, second, third):
            run.finish()

    def test_long_model_names_are_cut_to_40_characters(self):
        run = self.start(model="m" * 60)
        self.assertEqual(run.id.split("-", 2)[2], "m" * 40)
        run.finish()


class EndingTests(RunTestCase):
    def test_exception_records_failed(self):
        with self.assertRaises(ZeroDivisionError):
            with self.start() as run:
                run.log_batch(1, 0.5)
                run.log_epoch(1, test_scores=SCORES, test_labels=LABELS)
                run.log_batch(3, 0.4)
                1 / 0
        status = read_status(run.path)
        self.assertEqual(status["status"], "failed")
        self.assertEqual(status["completedEpochs"], 1)
        self.assertNotIn("processID", status)
        failure = read_events(run.path)[-1]
        self.assertEqual(failure["type"], "runFailed")
        self.assertEqual(failure["failure"], {
            "kind": "internalError", "message": "ZeroDivisionError: division by zero",
            "epoch": 2, "step": 3, "completedEpochs": 1})

    def test_keyboard_interrupt_records_interrupted(self):
        with self.assertRaises(KeyboardInterrupt):
            with self.start() as run:
                run.log_batch(1, 0.5)
                raise KeyboardInterrupt
        self.assertEqual(read_status(run.path)["status"], "interrupted")
        failure = read_events(run.path)[-1]["failure"]
        self.assertEqual(failure["kind"], "interrupted")
        self.assertEqual(failure["completedEpochs"], 0)

    def test_killed_process_leaves_running_with_its_pid(self):
        script = textwrap.dedent("""
            import os, sys
            sys.path.insert(0, %r)
            from lepton_run import LeptonRun
            run = LeptonRun(%r, model="m", dataset="d", classes=["a", "b"])
            run.log_batch(1, 0.5)
            print(run.path, flush=True)
            os._exit(0)
        """) % (os.path.dirname(os.path.abspath(lepton_run.__file__)), self.runs)
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                check=True)
        path = result.stdout.strip()
        status = read_status(path)
        self.assertEqual(status["status"], "running")
        self.assertNotEqual(status["processID"], os.getpid())
        # The buffered batch line was lost with the process; the log still parses.
        self.assertEqual([event["type"] for event in read_events(path)], ["runStarted"])


class AtomicityTests(RunTestCase):
    def test_failed_write_keeps_the_previous_file_and_leaves_no_temporary(self):
        run = self.start()
        run.log_epoch(1, test_scores=SCORES, test_labels=LABELS)
        before = read_bytes(os.path.join(run.path, "run.json"))

        def broken(handle):
            handle.write(b'{"half": ')
            raise OSError("disk full")

        with self.assertRaises(OSError):
            lepton_run._write_atomically(os.path.join(run.path, "run.json"), broken)
        self.assertEqual(read_bytes(os.path.join(run.path, "run.json")), before)
        self.assertEqual(sorted(name for name in os.listdir(run.path) if name.startswith(".")),
                         [])
        run.finish()

    def test_files_are_renamed_into_place(self):
        replaced = []
        real_replace = os.replace

        def spy(source, target):
            replaced.append((os.path.basename(source), os.path.basename(target)))
            return real_replace(source, target)

        with mock.patch.object(lepton_run.os, "replace", spy):
            with self.start() as run:
                run.log_epoch(1, test_scores=SCORES, test_labels=LABELS)
        targets = [target for _, target in replaced]
        self.assertEqual(targets, ["run.json", "scores-test-epoch-1.npy", "labels-test.npy",
                                   "run.json"])
        for source, target in replaced:
            self.assertTrue(source.startswith("." + target + "."), source)

    def test_event_log_is_synced_at_epoch_end(self):
        synced = []
        real_fsync = os.fsync

        def spy(descriptor):
            synced.append(descriptor)
            return real_fsync(descriptor)

        run = self.start()
        with mock.patch.object(lepton_run.os, "fsync", spy):
            run.log_batch(1, 0.5)
            self.assertEqual(synced, [])
            run.log_epoch(1, test_scores=SCORES, test_labels=LABELS)
        self.assertIn(run._events, synced)
        run.finish()


class ValidationTests(RunTestCase):
    def assertRejects(self, pattern, function, *arguments, **options):
        with self.assertRaises(LeptonRunError) as caught:
            function(*arguments, **options)
        self.assertRegex(str(caught.exception), pattern)

    def test_bad_scores_and_labels_are_named_with_the_fix(self):
        run = self.start()
        self.assertRejects(r"test_scores has shape \[4, 2\]; pass \[samples, classes\] = "
                           r"\[4, 3\]", run.log_epoch, 1, test_scores=SCORES[:, :2],
                           test_labels=LABELS)
        self.assertRejects(r"test_scores has 3 rows but the labels have 4", run.log_epoch, 1,
                           test_scores=SCORES[:3], test_labels=LABELS)
        bad = SCORES.copy()
        bad[2, 1] = np.nan
        self.assertRejects(r"1 NaN or infinite values, the first nan at \[2, 1\]",
                           run.log_epoch, 1, test_scores=bad, test_labels=LABELS)
        bad[2, 1] = np.inf
        self.assertRejects(r"the first inf at \[2, 1\]", run.log_epoch, 1, test_scores=bad,
                           test_labels=LABELS)
        self.assertRejects(r"test_labels\[3\] is 3, outside 0\.\.2", run.log_epoch, 1,
                           test_scores=SCORES, test_labels=[0, 1, 1, 3])
        self.assertRejects(r"test_labels has dtype <U1; pass integer class indices",
                           run.log_epoch, 1, test_scores=SCORES, test_labels=list("abcd"))
        self.assertRejects(r"row 0 sums to 5\.0.*kind='logits'", run.log_epoch, 1,
                           test_scores=SCORES * 2 + 1, test_labels=LABELS)
        self.assertRejects(r"pass validation_scores and validation_labels together",
                           run.log_epoch, 1, test_scores=SCORES, test_labels=LABELS,
                           validation_scores=SCORES)
        # Nothing was written by the rejected calls.
        self.assertEqual(sorted(os.listdir(run.path)), ["events.jsonl", "run.json"])
        run.finish()

    def test_epochs_must_increase(self):
        run = self.start()
        self.assertRejects(r"epoch is 0, but epochs must increase from 1", run.log_epoch, 0,
                           test_scores=SCORES, test_labels=LABELS)
        run.log_epoch(1, test_scores=SCORES, test_labels=LABELS)
        self.assertRejects(r"epoch is 1, .* epoch 1 is the last logged; pass 2", run.log_epoch,
                           1, test_scores=SCORES, test_labels=LABELS)
        self.assertRejects(r"log_batch epoch is 1, but epoch 1 is already logged",
                           run.log_batch, 1, 0.5, epoch=1)
        self.assertRejects(r"log_batch step is 0; pass the step within the epoch",
                           run.log_batch, 0, 0.5)
        self.assertRejects(r"test_labels differ from those of an earlier epoch .* index 1",
                           run.log_epoch, 2, test_scores=SCORES, test_labels=[0, 2, 1, 2])
        self.assertRejects(r"epoch is 3, but the run's config plans 2 epochs", run.log_epoch,
                           3, test_scores=SCORES, test_labels=LABELS)
        run.finish()

    def test_bad_run_arguments(self):
        self.assertRejects(r"classes has 1 name\(s\)", self.start, classes=["only"])
        self.assertRejects(r"classes names 'a' twice", self.start, classes=["a", "b", "a"])
        self.assertRejects(r"config\['epochs'\] is -1; pass a whole number", self.start,
                           config={"epochs": -1})
        self.assertRejects(r"model is ''", self.start, model="")
        self.assertFalse(os.path.exists(self.runs) and os.listdir(self.runs))


if __name__ == "__main__":
    unittest.main()
