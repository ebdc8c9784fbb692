"""Write a Lepton run directory from a Python training script.

A PyTorch, Keras or any other training loop records its run with
``LeptonRun`` in the same format that ``lepton train`` writes, so that
``lepton runs``, ``lepton show``, ``lepton compare``, ``lepton report`` and
``lepton watch`` read it. Only the standard library and NumPy are needed.
Scores and labels may be anything ``numpy.asarray`` accepts; convert a
PyTorch tensor first with ``tensor.detach().cpu().numpy()``.

    with LeptonRun("runs", model="resnet18", dataset="cifar10",
                   classes=names, config={"epochs": 10}) as run:
        for epoch in range(1, 11):
            for step, batch in enumerate(loader, start=1):
                ...
                run.log_batch(step, loss, lr)
            run.log_epoch(epoch, train_loss=mean_loss,
                          test_scores=probabilities, test_labels=labels)

The format (event log schema version 1) is described in the "Run directory"
section of Lepton's README.
"""

import datetime
import json
import math
import os
import platform
import tempfile
import threading
import time

import numpy as np

__all__ = ["LeptonRun", "LeptonRunError", "compute_report", "softmax", "SCHEMA_VERSION"]

#: Version of the event log schema this module writes.
SCHEMA_VERSION = 1

# Bits of Lepton's `UndefinedMetrics` option set.
_UNDEFINED_PRECISION = 1 << 0
_UNDEFINED_RECALL = 1 << 1
_UNDEFINED_FSCORE = 1 << 2
_UNDEFINED_AUC = 1 << 3
_UNDEFINED_AVERAGE_PRECISION = 1 << 4

# Lepton computes the loss from float32 probabilities clamped to [eps, 1 - eps].
_FLOAT32_EPSILON = float(np.finfo(np.float32).eps)

# `RunConfig` fields that `config` may set, with their accepted spellings.
_CONFIG_FIELDS = {
    "epochs": "epochs",
    "batch_size": "batchSize",
    "batchSize": "batchSize",
    "learning_rate": "learningRate",
    "learningRate": "learningRate",
    "lr": "learningRate",
    "momentum": "momentum",
    "weight_decay": "weightDecay",
    "weightDecay": "weightDecay",
    "optimizer": "optimizer",
    "lr_schedule": "learningRateSchedule",
    "learning_rate_schedule": "learningRateSchedule",
    "learningRateSchedule": "learningRateSchedule",
    "seed": "seed",
    "steps_per_epoch": "stepsPerEpoch",
    "stepsPerEpoch": "stepsPerEpoch",
    "train_count": "trainCount",
    "trainCount": "trainCount",
    "test_count": "testCount",
    "testCount": "testCount",
    "input_shape": "inputShape",
    "inputShape": "inputShape",
    "data_directory": "dataDirectory",
    "dataDirectory": "dataDirectory",
    "augmentation": "augmentation",
    "validation_split": "validationSplit",
    "validationSplit": "validationSplit",
    "validation_count": "validationCount",
    "validationCount": "validationCount",
    "parameter_count": "parameterCount",
    "parameterCount": "parameterCount",
    "layers": "layers",
    "versions": "versions",
}
_INT_FIELDS = {
    "epochs", "batchSize", "seed", "stepsPerEpoch", "trainCount", "testCount",
    "validationCount", "parameterCount",
}
_FLOAT_FIELDS = {"learningRate", "momentum", "weightDecay", "validationSplit"}
_STRING_FIELDS = {"optimizer", "learningRateSchedule", "dataDirectory", "augmentation"}


class LeptonRunError(ValueError):
    """An input that Lepton could not read, with the value and the fix in the message."""


# MARK: - JSON


def _json_value(value):
    """Returns `value` with NumPy scalars and arrays as Python values and
    non-finite floats as the strings Lepton's decoder reads ("NaN", "inf", "-inf")."""
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, np.ndarray):
        return [_json_value(item) for item in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "inf" if number > 0 else "-inf"
        return number
    if value is None or isinstance(value, str):
        return value
    raise LeptonRunError(
        "cannot write %r of type %s to the run log; pass numbers, strings, lists or dicts"
        % (value, type(value).__name__))


def _encode_line(record):
    """Encode one event log line as compact JSON with sorted keys, as Lepton writes it."""
    text = json.dumps(
        _json_value(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        allow_nan=False)
    return text.encode("utf-8") + b"\n"


def _encode_status(status):
    """`run.json`: pretty-printed JSON with sorted keys, as Lepton writes it."""
    text = json.dumps(
        _json_value(status), sort_keys=True, indent=2, separators=(",", " : "),
        ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


# MARK: - Files


def _write_atomically(path, write):
    """Calls `write(file)` on a temporary file beside `path`, flushes it to disk and
    renames it over `path`, so a reader sees the old file or the new one, never part."""
    directory, name = os.path.split(path)
    descriptor, temporary = tempfile.mkstemp(prefix="." + name + ".", suffix=".tmp",
                                             dir=directory or ".")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _save_npy(path, array):
    _write_atomically(path, lambda handle: np.save(handle, array, allow_pickle=False))


def _safe_model_name(model):
    """Return the model part of a run id, as `RunDirectory.create` forms it.

    Letters, digits and '-' are kept, anything else becomes '_', and the result is cut
    to 40 characters."""
    return "".join(
        character if character.isalpha() or character.isnumeric() or character == "-" else "_"
        for character in model)[:40]


def _create_run_directory(root, model, now):
    """Creates `<root>/<UTC time>-<model>`, appending -2, -3, ... when that name is taken.
    `mkdir` fails on an existing folder, so two runs started in the same second,
    even by two processes, get different ids."""
    os.makedirs(root, exist_ok=True)
    base = now.strftime("%Y%m%d-%H%M%S") + "-" + _safe_model_name(model)
    for attempt in range(1, 1001):
        run_id = base if attempt == 1 else "%s-%d" % (base, attempt)
        path = os.path.join(root, run_id)
        try:
            os.mkdir(path, 0o755)
        except FileExistsError:
            continue
        return run_id, path
    raise LeptonRunError(
        "%s: 1000 runs already use this name; pass another runs directory"
        % os.path.join(root, base))


# MARK: - Validation


def softmax(logits, axis=-1):
    """Softmax of `logits` along `axis` in float64, for models that output logits."""
    values = np.asarray(logits, dtype=np.float64)
    shifted = values - np.max(values, axis=axis, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / np.sum(exponentials, axis=axis, keepdims=True)


def _check_labels(labels, class_count, name):
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise LeptonRunError(
            "%s has shape %s; pass one class index per sample, shape [samples] "
            "(for one-hot labels use labels.argmax(axis=1))" % (name, list(array.shape)))
    if array.dtype.kind == "b" or array.dtype.kind not in "iu":
        if array.dtype.kind == "f" and array.size > 0 and np.all(np.isfinite(array)) \
                and np.all(array == np.round(array)):
            array = array.astype(np.int64)
        else:
            raise LeptonRunError(
                "%s has dtype %s; pass integer class indices, such as labels.astype('int64')"
                % (name, array.dtype))
    if array.size == 0:
        raise LeptonRunError("%s is empty; pass at least one sample" % name)
    outside = (array < 0) | (array >= class_count)
    if np.any(outside):
        index = int(np.argmax(outside))
        raise LeptonRunError(
            "%s[%d] is %d, outside 0..%d (%d of %d labels are outside); labels are class "
            "indices into the %d classes given to LeptonRun"
            % (name, index, int(array[index]), class_count - 1, int(np.sum(outside)),
               array.size, class_count))
    return np.ascontiguousarray(array, dtype="<i8")


def _check_scores(scores, class_count, sample_count, name, kind):
    array = np.asarray(scores)
    if array.dtype.kind not in "fiu" or array.dtype.kind == "b":
        raise LeptonRunError(
            "%s has dtype %s; pass floating-point class probabilities" % (name, array.dtype))
    array = array.astype(np.float64)
    if array.ndim != 2 or array.shape[1] != class_count:
        raise LeptonRunError(
            "%s has shape %s; pass [samples, classes] = [%d, %d], one column per class "
            "given to LeptonRun" % (name, list(array.shape), sample_count, class_count))
    if array.shape[0] != sample_count:
        raise LeptonRunError(
            "%s has %d rows but the labels have %d samples; pass one row of scores per label"
            % (name, array.shape[0], sample_count))
    bad = ~np.isfinite(array)
    if np.any(bad):
        row, column = np.argwhere(bad)[0]
        raise LeptonRunError(
            "%s has %d NaN or infinite values, the first %r at [%d, %d]; the model "
            "probably diverged, so lower the learning rate or check the inputs"
            % (name, int(np.sum(bad)), float(array[row, column]), row, column))
    if kind == "logits":
        array = softmax(array, axis=1)
    elif kind != "probabilities":
        raise LeptonRunError(
            "scores kind %r is not known; pass kind='probabilities' or kind='logits'" % (kind,))
    probabilities = np.ascontiguousarray(array, dtype="<f4")
    # The checks Lepton's metrics make, on the float32 values it reads back.
    widened = probabilities.astype(np.float64)
    sums = np.sum(widened, axis=1)
    bad_rows = np.abs(sums - 1) > 1e-8 + 1e-5 * np.abs(sums)
    if np.any(bad_rows):
        row = int(np.argmax(bad_rows))
        raise LeptonRunError(
            "%s row %d sums to %r, not 1; pass softmax probabilities, or pass kind='logits' "
            "for raw model outputs" % (name, row, float(sums[row])))
    outside = (widened < 0) | (widened > 1 + 1e-5)
    if np.any(outside):
        row, column = np.argwhere(outside)[0]
        raise LeptonRunError(
            "%s[%d, %d] is %r, outside [0, 1]; pass softmax probabilities, or pass "
            "kind='logits' for raw model outputs" % (name, row, column,
                                                     float(widened[row, column])))
    return probabilities


def _number(value, name):
    if value is None:
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise LeptonRunError("%s is %r; pass a number" % (name, value)) from None


def _scalar(value, name):
    """Convert a loss or rate given as a Python number, NumPy scalar or one-element tensor."""
    if value is None:
        return float("nan")
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        try:
            value = value.item()
        except (TypeError, ValueError):
            raise LeptonRunError(
                "%s is %r; pass one number (for a tensor, loss.item())" % (name, value)) from None
    return _number(value, name)


# MARK: - Metrics


def _sequential_sum(values):
    """Sums in order, as Lepton does, so the result matches it to the last bit."""
    if len(values) == 0:
        return 0.0
    return float(np.add.accumulate(np.asarray(values, dtype=np.float64))[-1])


def _rank_summary(scores, positive):
    """ROC AUC and step-wise average precision of `scores` (descending is positive),
    with tied scores as one step, as Lepton's `RankSummary`."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores = scores[order]
    sorted_positive = positive[order]
    true_positives = np.cumsum(sorted_positive, dtype=np.int64)
    false_positives = np.cumsum(~sorted_positive, dtype=np.int64)
    if sorted_scores.size == 0:
        return 0, 0, float("nan"), float("nan"), "noSamples"
    ends = np.append(np.nonzero(sorted_scores[1:] != sorted_scores[:-1])[0],
                     sorted_scores.size - 1)
    tp = true_positives[ends]
    fp = false_positives[ends]
    previous_tp = np.concatenate(([0], tp[:-1]))
    previous_fp = np.concatenate(([0], fp[:-1]))
    doubled_area = int(np.sum((fp - previous_fp) * (tp + previous_tp)))
    precision = tp.astype(np.float64) / (tp + fp).astype(np.float64)
    precision_sum = _sequential_sum((tp - previous_tp).astype(np.float64) * precision)
    positive_count = int(tp[-1])
    negative_count = int(fp[-1])
    if positive_count == 0 and negative_count == 0:
        reason = "noSamples"
    elif positive_count == 0:
        reason = "noPositiveSamples"
    elif negative_count == 0:
        reason = "noNegativeSamples"
    else:
        reason = None
    auc = float("nan") if reason else doubled_area / (
        2.0 * float(positive_count) * float(negative_count))
    average_precision = precision_sum / positive_count if positive_count > 0 else float("nan")
    return positive_count, negative_count, auc, average_precision, reason


def _divide(numerator, denominator):
    """Lepton's zero-division policy `zero`: 0 for a zero denominator."""
    return 0.0 if denominator == 0 else float(numerator) / float(denominator)


def _nan_average(values, weights):
    """Weighted mean of the non-NaN values, as Lepton's and scikit-learn's `_nanaverage`."""
    weighted_sum = weight_sum = plain_sum = 0.0
    count = 0
    for value, weight in zip(values, weights):
        if math.isnan(value):
            continue
        weighted_sum += value * weight
        weight_sum += weight
        plain_sum += value
        count += 1
    if count == 0:
        return float("nan"), 0
    if weight_sum <= 0:
        return plain_sum / count, count
    return weighted_sum / weight_sum, count


def _counts_undefined(tp, fp, fn):
    undefined = 0
    if tp + fp == 0:
        undefined |= _UNDEFINED_PRECISION
    if tp + fn == 0:
        undefined |= _UNDEFINED_RECALL
    if tp + fp + fn == 0:
        undefined |= _UNDEFINED_FSCORE
    return undefined


def compute_report(labels, probabilities, class_count=None):
    """Every test metric of Lepton's `ClassificationReport`, as the dict that the
    `epochEnded` event stores, computed with Lepton's definitions (scikit-learn's,
    zero-division value 0, macro averages over the classes present in the labels or
    the predictions, argmax ties to the lower class index).

    `labels` is [samples] of class indices and `probabilities` [samples, classes]."""
    probabilities = np.asarray(probabilities)
    if class_count is None:
        class_count = probabilities.shape[1] if probabilities.ndim == 2 else 0
    labels = _check_labels(labels, class_count, "labels")
    probabilities = _check_scores(probabilities, class_count, labels.size, "probabilities",
                                  "probabilities")
    # Lepton computes from the float32 scores it stores, widened to double.
    scores = probabilities.astype(np.float64)
    sample_count = labels.size
    predictions = np.argmax(scores, axis=1)
    matrix = np.zeros((class_count, class_count), dtype=np.int64)
    np.add.at(matrix, (labels, predictions), 1)

    true_probabilities = scores[np.arange(sample_count), labels]
    clamped = np.minimum(np.maximum(true_probabilities, _FLOAT32_EPSILON), 1 - _FLOAT32_EPSILON)
    loss = _sequential_sum(-np.log(clamped)) / sample_count
    one_hot = np.zeros_like(scores)
    one_hot[np.arange(sample_count), labels] = 1
    mean_absolute_error = _sequential_sum(np.abs(one_hot - scores).ravel()) / (
        sample_count * class_count)

    per_class = []
    present = []
    for index in range(class_count):
        tp = int(matrix[index, index])
        fp = int(matrix[:, index].sum()) - tp
        fn = int(matrix[index, :].sum()) - tp
        if tp + fn > 0 or fp > 0:
            present.append(index)
        _, _, auc, average_precision, reason = _rank_summary(scores[:, index], labels == index)
        undefined = _counts_undefined(tp, fp, fn)
        if reason is not None:
            undefined |= _UNDEFINED_AUC
        if tp + fn == 0:
            undefined |= _UNDEFINED_AVERAGE_PRECISION
        metrics = {
            "precision": _divide(tp, tp + fp),
            "recall": _divide(tp, tp + fn),
            "f1": _divide(2.0 * tp, 2.0 * tp + fn + fp),
            "support": tp + fn,
            "auc": auc,
            "averagePrecision": average_precision,
            "truePositives": tp,
            "falsePositives": fp,
            "falseNegatives": fn,
            "undefined": undefined,
        }
        if reason is not None:
            metrics["aucUndefinedReason"] = reason
        per_class.append(metrics)

    chosen = [per_class[index] for index in present]

    def averaged(weighted):
        weights = [float(metrics["support"]) if weighted else 1.0 for metrics in chosen]
        precision, precision_count = _nan_average([m["precision"] for m in chosen], weights)
        recall, recall_count = _nan_average([m["recall"] for m in chosen], weights)
        f1, f1_count = _nan_average([m["f1"] for m in chosen], weights)
        undefined = 0
        no_support = weighted and all(m["support"] == 0 for m in chosen)
        if math.isnan(precision) or no_support:
            undefined |= _UNDEFINED_PRECISION
        if math.isnan(recall) or no_support:
            undefined |= _UNDEFINED_RECALL
        if math.isnan(f1) or no_support:
            undefined |= _UNDEFINED_FSCORE
        # AUC and average precision average over every declared class.
        all_weights = [float(m["support"]) if weighted else 1.0 for m in per_class]
        auc, auc_count = _nan_average([m["auc"] for m in per_class], all_weights)
        average_precision, ap_count = _nan_average(
            [m["averagePrecision"] for m in per_class], all_weights)
        if math.isnan(auc):
            undefined |= _UNDEFINED_AUC
        if math.isnan(average_precision):
            undefined |= _UNDEFINED_AVERAGE_PRECISION
        return {
            "precision": precision, "recall": recall, "f1": f1, "auc": auc,
            "undefinedAUCCount": class_count - auc_count,
            "averagePrecision": average_precision, "undefined": undefined,
            "includedClasses": {
                "labelCount": len(chosen), "precision": precision_count,
                "recall": recall_count, "fScore": f1_count, "auc": auc_count,
                "averagePrecision": ap_count,
            },
        }

    tp_sum = sum(m["truePositives"] for m in chosen)
    fp_sum = sum(m["falsePositives"] for m in chosen)
    fn_sum = sum(m["falseNegatives"] for m in chosen)
    positive_count, _, micro_auc, micro_ap, micro_reason = _rank_summary(
        scores.ravel(), one_hot.ravel() == 1)
    micro_undefined = _counts_undefined(tp_sum, fp_sum, fn_sum)
    if micro_reason is not None:
        micro_undefined |= _UNDEFINED_AUC
    if positive_count == 0:
        micro_undefined |= _UNDEFINED_AVERAGE_PRECISION
    micro = {
        "precision": _divide(tp_sum, tp_sum + fp_sum),
        "recall": _divide(tp_sum, tp_sum + fn_sum),
        "f1": _divide(2.0 * tp_sum, 2.0 * tp_sum + fn_sum + fp_sum),
        "auc": micro_auc, "undefinedAUCCount": 0, "averagePrecision": micro_ap,
        "undefined": micro_undefined,
        "includedClasses": {
            "labelCount": len(chosen), "precision": len(chosen), "recall": len(chosen),
            "fScore": len(chosen), "auc": len(chosen), "averagePrecision": len(chosen),
        },
    }

    recalls = [matrix[index, index] / matrix[index, :].sum()
               for index in range(class_count) if matrix[index, :].sum() > 0]
    balanced_accuracy = _sequential_sum(recalls) / len(recalls) if recalls else float("nan")
    return {
        "sampleCount": sample_count,
        "classCount": class_count,
        "loss": loss,
        "accuracy": int(np.trace(matrix)) / sample_count,
        "perClass": per_class,
        "macro": averaged(weighted=False),
        "weighted": averaged(weighted=True),
        "micro": micro,
        "meanAbsoluteError": mean_absolute_error,
        "confusionMatrix": {"classCount": class_count,
                            "counts": [int(count) for count in matrix.ravel()]},
        "balancedAccuracy": balanced_accuracy,
        "zeroDivision": "zero",
    }


# MARK: - The run


class LeptonRun:
    """A run directory that a training script writes as it trains.

    Creates ``<runs_dir>/<UTC start time>-<model>/`` (``-2``, ``-3``, ... appended when
    the name is taken) with ``run.json`` and ``events.jsonl``, and logs the
    ``runStarted`` event at once.

    Parameters:
        runs_dir: the runs root, as ``lepton runs --runs-dir`` (Lepton's default ``runs``).
        model: model name; it also names the run directory.
        dataset: data set name.
        classes: class names in score-column order, at least 2, unique and non-empty.
        config: hyperparameters. Keys that Lepton's run configuration has are stored in
            it: ``epochs`` (planned epochs, shown as "N of M epochs"), ``batch_size``,
            ``learning_rate`` (or ``lr``), ``momentum``, ``weight_decay``,
            ``optimizer``, ``lr_schedule``, ``seed``, ``steps_per_epoch``,
            ``train_count``, ``test_count``, ``input_shape``, ``data_directory``,
            ``augmentation``, ``validation_split``, ``validation_count``,
            ``parameter_count``, ``layers``, ``versions`` (camelCase spellings work
            too). Any other key is kept under ``config["extra"]`` in the log, which
            Lepton ignores.
        flush_every: batch lines buffered before they are written, 200 as in Lepton.
            Run-level and epoch lines are always written and synced at once.
    """

    def __init__(self, runs_dir="runs", *, model, dataset, classes, config=None,
                 flush_every=200):
        if not isinstance(model, str) or not model:
            raise LeptonRunError("model is %r; pass a non-empty name such as 'resnet18'"
                                 % (model,))
        if not isinstance(dataset, str) or not dataset:
            raise LeptonRunError("dataset is %r; pass a non-empty name such as 'cifar10'"
                                 % (dataset,))
        classes = [str(name) for name in classes] if classes is not None else []
        if len(classes) < 2:
            raise LeptonRunError(
                "classes has %d name(s); pass the names of at least 2 classes in score-column "
                "order" % len(classes))
        for index, name in enumerate(classes):
            if not name.strip():
                raise LeptonRunError("classes[%d] is empty; give every class a name" % index)
        if len(set(classes)) != len(classes):
            repeated = next(name for name in classes if classes.count(name) > 1)
            raise LeptonRunError("classes names %r twice; class names must be unique"
                                 % repeated)
        if int(flush_every) < 1:
            raise LeptonRunError("flush_every is %r; pass 1 or more" % (flush_every,))
        self.classes = classes
        self.class_count = len(classes)
        self._flush_every = int(flush_every)
        self._lock = threading.Lock()
        self._pending = []
        self._epochs = []
        self._last_epoch = 0
        self._epoch_steps = {}
        self._steps_before_epoch = 0
        self._labels = {}
        self._closed = False
        self._last_batch = None
        self._start = time.monotonic()
        self._epoch_start = self._start
        self._epoch_images = 0

        now = datetime.datetime.now(datetime.timezone.utc)
        # The config is checked before the directory exists, so a mistake leaves no run.
        self.config = self._make_config(model, dataset, now, dict(config or {}))
        self.id, self.path = _create_run_directory(os.fspath(runs_dir), model, now)
        self.config["runID"] = self.id
        self._events = os.open(os.path.join(self.path, "events.jsonl"),
                               os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        self._write_status("running", process_id=os.getpid())
        self._append({"type": "runStarted", "config": self.config})
        self._flush(sync=True)

    def _make_config(self, model, dataset, now, given):
        config = {
            "runID": "", "model": model, "layers": [], "parameterCount": 0,
            "dataset": dataset, "dataDirectory": "", "classNames": self.classes,
            "inputShape": [], "trainCount": 0, "testCount": 0, "epochs": 0, "batchSize": 0,
            "learningRate": float("nan"), "momentum": 0.0, "weightDecay": 0.0,
            "optimizer": "unknown", "learningRateSchedule": "unknown", "seed": 0,
            "stepsPerEpoch": 0, "versions": {"python": platform.python_version(),
                                            "numpy": np.__version__},
            "startedAt": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "validationSplit": 0.0,
            "validationCount": 0, "augmentation": "none",
        }
        extra = {}
        for key, value in given.items():
            field = _CONFIG_FIELDS.get(key)
            if field is None:
                extra[str(key)] = value
                continue
            if field in _INT_FIELDS:
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                        or value < 0:
                    raise LeptonRunError("config[%r] is %r; pass a whole number >= 0"
                                         % (key, value))
                value = int(value)
            elif field in _FLOAT_FIELDS:
                value = _number(value, "config[%r]" % key)
            elif field in _STRING_FIELDS:
                value = str(value)
            elif field == "inputShape":
                value = [int(dimension) for dimension in value]
            elif field == "versions":
                value = dict(config["versions"], **{str(k): str(v) for k, v in value.items()})
            elif field == "layers":
                value = [{"name": str(layer["name"]),
                          "outputShape": [int(d) for d in layer.get("output_shape",
                                                                    layer.get("outputShape", []))],
                          "parameterCount": int(layer.get("parameter_count",
                                                          layer.get("parameterCount", 0)))}
                         for layer in value]
            config[field] = value
        if extra:
            _json_value(extra)  # fails now, naming the value, rather than at an epoch end
            config["extra"] = extra
        return config

    # MARK: Logging

    def log_batch(self, step, loss, lr=None, *, epoch=None, accuracy=None, batch_size=None,
                  images_per_second=None):
        """Records one optimisation step.

        step: step within the epoch, counting from 1. loss: the batch's mean loss (a
        number, NumPy scalar or one-element tensor). lr: the learning rate, stored in the
        batch event's `learningRate` field. epoch: the epoch in progress, by default
        the one after the last logged epoch. accuracy: the batch accuracy if known.
        batch_size: images in the batch, for images per second when
        `images_per_second` is not given (default: config `batch_size`).
        """
        with self._lock:
            self._check_open()
            epoch = self._last_epoch + 1 if epoch is None else epoch
            if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) \
                    or epoch <= self._last_epoch:
                raise LeptonRunError(
                    "log_batch epoch is %r, but epoch %d is already logged; epochs count "
                    "from 1 and the batch belongs to the epoch after the last log_epoch"
                    % (epoch, self._last_epoch))
            if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 1:
                raise LeptonRunError(
                    "log_batch step is %r; pass the step within the epoch, counting from 1"
                    % (step,))
            epoch, step = int(epoch), int(step)
            now = time.monotonic()
            size = batch_size if batch_size is not None else self.config["batchSize"] or None
            if size is not None:
                self._epoch_images += int(size)
            if images_per_second is None:
                elapsed = now - self._epoch_start
                images_per_second = (self._epoch_images / elapsed
                                     if size is not None and elapsed > 0 else float("nan"))
            steps_per_epoch = self.config["stepsPerEpoch"]
            global_step = ((epoch - 1) * steps_per_epoch + step if steps_per_epoch
                           else self._steps_before_epoch + step)
            self._epoch_steps[epoch] = max(self._epoch_steps.get(epoch, 0), step)
            batch = {
                "epoch": epoch, "step": step, "stepsPerEpoch": steps_per_epoch,
                "globalStep": global_step, "loss": _scalar(loss, "loss"),
                "accuracy": _scalar(accuracy, "accuracy"),
                "imagesPerSecond": _number(images_per_second, "images_per_second"),
            }
            if lr is not None:
                batch["learningRate"] = _scalar(lr, "lr")
            self._last_batch = (epoch, step)
            self._append({"type": "batchEnded", "batch": batch})
            if len(self._pending) >= self._flush_every:
                self._flush(sync=False)

    def log_epoch(self, epoch, *, train_loss=None, test_scores, test_labels, train_accuracy=None,
                  validation_scores=None, validation_labels=None, kind="probabilities",
                  train_seconds=None, evaluation_seconds=None, images_per_second=None):
        """Records a finished epoch: writes the score files, the `evaluated` events and
        the `epochEnded` event with the test report, and syncs the log.

        epoch: counts from 1, must be above the last logged epoch and, when the config
        gives `epochs`, at most that.
        test_scores: [samples, classes] softmax probabilities (or logits with
        kind='logits'), test_labels: [samples] class indices. The test labels must be the
        same every epoch, as must the validation labels. Metrics are computed here with
        Lepton's definitions (see `compute_report`). train_seconds defaults to the time
        since the previous epoch ended (or the run started), evaluation_seconds to 0.
        """
        with self._lock:
            self._check_open()
            if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) \
                    or epoch <= self._last_epoch:
                raise LeptonRunError(
                    "log_epoch epoch is %r, but epochs must increase from 1 and epoch %d is "
                    "the last logged; pass %d" % (epoch, self._last_epoch, self._last_epoch + 1))
            epoch = int(epoch)
            planned = self.config.get("epochs", 0)
            if planned and epoch > planned:
                raise LeptonRunError(
                    "log_epoch epoch is %d, but the run's config plans %d epochs; raise "
                    "config['epochs'] when the run is created, or log at most epoch %d"
                    % (epoch, planned, planned))
            splits = []
            if (validation_scores is None) != (validation_labels is None):
                raise LeptonRunError(
                    "pass validation_scores and validation_labels together, or neither")
            if validation_scores is not None:
                splits.append(("validation", validation_scores, validation_labels))
            splits.append(("test", test_scores, test_labels))
            checked = []
            for split, scores, labels in splits:
                labels = _check_labels(labels, self.class_count, split + "_labels")
                probabilities = _check_scores(scores, self.class_count, labels.size,
                                              split + "_scores", kind)
                previous = self._labels.get(split)
                if previous is not None and not np.array_equal(previous, labels):
                    differ = (int(np.argmax(previous != labels))
                              if previous.size == labels.size else None)
                    where = ("they have %d samples, not %d" % (labels.size, previous.size)
                             if differ is None else "the first difference is at index %d"
                             % differ)
                    raise LeptonRunError(
                        "%s_labels differ from those of an earlier epoch (%s); evaluate every "
                        "epoch on the same %s samples in the same order (shuffle=False)"
                        % (split, where, split))
                checked.append((split, labels, probabilities))

            now = time.monotonic()
            trained = now - self._epoch_start if train_seconds is None else train_seconds
            reports = {}
            for split, labels, probabilities in checked:
                scores_name = "scores-%s-epoch-%d.npy" % (split, epoch)
                labels_name = "labels-%s.npy" % split
                _save_npy(os.path.join(self.path, scores_name), probabilities)
                if split not in self._labels:
                    _save_npy(os.path.join(self.path, labels_name), labels)
                    self._labels[split] = labels
                reports[split] = compute_report(labels, probabilities, self.class_count)
                self._append({"type": "evaluated", "evaluation": {
                    "epoch": epoch, "split": split, "sampleCount": int(labels.size),
                    "classCount": self.class_count, "scoresFile": scores_name,
                    "labelsFile": labels_name}})
            if images_per_second is None:
                images = self._epoch_images or self.config["trainCount"]
                images_per_second = images / trained if images and trained > 0 else float("nan")
            summary = {
                "epoch": epoch,
                "trainLoss": _scalar(train_loss, "train_loss"),
                "trainAccuracy": _scalar(train_accuracy, "train_accuracy"),
                "test": reports["test"],
                "trainSeconds": _number(trained, "train_seconds"),
                "evaluationSeconds": _number(
                    0.0 if evaluation_seconds is None else evaluation_seconds,
                    "evaluation_seconds"),
                "imagesPerSecond": _number(images_per_second, "images_per_second"),
            }
            if "validation" in reports:
                summary["validation"] = reports["validation"]
            self._append({"type": "epochEnded", "epoch": summary})
            self._flush(sync=True)
            self._epochs.append(summary)
            self._last_epoch = epoch
            self._steps_before_epoch += self._epoch_steps.get(epoch, 0)
            self._epoch_start = time.monotonic()
            self._epoch_images = 0
            return reports["test"]

    def finish(self):
        """Records the end of the run: `runFinished` and the status `finished`."""
        with self._lock:
            self._check_open()
            self._closed = True
            final = self._epochs[-1]["test"] if self._epochs else None
            summary = {"completedEpochs": len(self._epochs),
                       "totalSeconds": time.monotonic() - self._start}
            if final is not None:
                summary["finalTest"] = final
            self._append({"type": "runFinished", "summary": summary})
            self._flush(sync=True)
            self._write_status("finished")
            os.close(self._events)

    def fail(self, message, kind="internalError"):
        """Records a run that ended early: `runFailed` and the status `interrupted` (kind
        'interrupted') or `failed` (kinds 'diverged', 'invalidInput', 'internalError',
        'saveFailed')."""
        kinds = ("interrupted", "diverged", "invalidInput", "internalError", "saveFailed")
        if kind not in kinds:
            raise LeptonRunError("failure kind %r is not known; pass one of %s"
                                 % (kind, ", ".join(kinds)))
        with self._lock:
            self._check_open()
            self._closed = True
            failure = {"kind": kind, "message": str(message),
                       "completedEpochs": len(self._epochs)}
            if self._last_batch is not None and self._last_batch[0] > self._last_epoch:
                failure["epoch"], failure["step"] = self._last_batch
            self._append({"type": "runFailed", "failure": failure})
            self._flush(sync=True)
            self._write_status("interrupted" if kind == "interrupted" else "failed")
            os.close(self._events)

    @property
    def finished(self):
        """True once `finish` or `fail` has recorded the end of the run."""
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if self._closed:
            return False
        if exc_type is None:
            self.finish()
        elif issubclass(exc_type, KeyboardInterrupt):
            self.fail("Interrupted by the user (KeyboardInterrupt).", kind="interrupted")
        else:
            self.fail("%s: %s" % (exc_type.__name__, exc), kind="internalError")
        return False

    # MARK: Files

    def flush(self):
        """Writes buffered batch lines to `events.jsonl` now."""
        with self._lock:
            if not self._closed:
                self._flush(sync=False)

    def _check_open(self):
        if self._closed:
            raise RuntimeError("the run %s has already ended; start a new LeptonRun" % self.id)

    def _append(self, record):
        line = {"schema": SCHEMA_VERSION, "time": time.time()}
        line.update(record)
        self._pending.append(_encode_line(line))

    def _flush(self, sync):
        data = b"".join(self._pending)
        self._pending = []
        view = memoryview(data)
        while view:
            written = os.write(self._events, view)
            view = view[written:]
        if sync:
            os.fsync(self._events)

    def _write_status(self, status, process_id=None):
        content = {"config": self.config, "status": status,
                   "completedEpochs": len(self._epochs)}
        if process_id is not None:
            content["processID"] = process_id
        data = _encode_status(content)
        _write_atomically(os.path.join(self.path, "run.json"), lambda handle: handle.write(data))
