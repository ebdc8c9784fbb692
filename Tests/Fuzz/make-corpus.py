#!/usr/bin/env python3
"""Write the seed inputs of the fuzz targets to Tests/Fuzz/corpus/<target>/.

Each seed is a small valid input, prefixed with the control byte that the
target's harness reads first where it has one. libFuzzer mutates from these,
so the seeds only need to reach each parser's main paths. Needs NumPy for the
.npy and event log seeds; run it again after changing a harness's input layout.
"""

import gzip
import io
import os
import struct
import sys
import tempfile
import zlib

import numpy

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
ROOT = os.path.dirname(os.path.dirname(HERE))


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(data)


def idx(dimensions, values):
    header = bytes([0, 0, 8, len(dimensions)])
    header += b"".join(struct.pack(">I", d) for d in dimensions)
    return header + bytes(values)


def idx_seeds():
    labels = idx([3], [1, 0, 9])
    images = idx([2, 2, 3], range(12))
    # Control byte: bits 0-1 are the rank minus 1, bit 2 selects the file reader.
    write("IDX", "labels-raw", bytes([0]) + labels)
    write("IDX", "images-raw", bytes([2]) + images)
    write("IDX", "labels-gzip", bytes([4]) + gzip.compress(labels, mtime=0))
    write("IDX", "images-gzip", bytes([6]) + gzip.compress(images, mtime=0))
    write("IDX", "images-file", bytes([6]) + images)


def cifar_seeds():
    pixels = bytes((i * 7) % 256 for i in range(3072))
    # Control byte: bit 0 selects CIFAR-100, bit 1 its coarse labels.
    write("CIFAR", "cifar10-one", bytes([0]) + bytes([3]) + pixels)
    write("CIFAR", "cifar100-fine", bytes([1]) + bytes([4, 57]) + pixels)
    write("CIFAR", "cifar100-coarse", bytes([3]) + bytes([19, 99]) + pixels)


def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png(width, height, bit_depth, color_type, rows, interlace=0, extra=b""):
    """Encode filter-0 rows; `rows` is the raw bytes of each row, top first."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, interlace)
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + extra
        + png_chunk(b"IDAT", zlib.compress(raw))
        + png_chunk(b"IEND", b"")
    )


def png_seeds():
    write("PNG", "gray8", png(2, 2, 8, 0, [b"\x00\xff", b"\x80\x40"]))
    write("PNG", "gray1", png(3, 1, 1, 0, [b"\xa0"]))
    write("PNG", "gray16", png(1, 2, 16, 0, [b"\x12\x34", b"\xff\xff"]))
    write("PNG", "gray-alpha", png(2, 1, 8, 4, [b"\x10\xff\x20\x00"]))
    write("PNG", "rgb8", png(2, 2, 8, 2, [bytes(range(6)), bytes(range(6, 12))]))
    write("PNG", "rgba8", png(1, 2, 8, 6, [b"\x01\x02\x03\x80", b"\x04\x05\x06\x00"]))
    palette = png_chunk(b"PLTE", b"\xff\x00\x00\x00\xff\x00")
    transparency = png_chunk(b"tRNS", b"\x80")
    write("PNG", "palette", png(2, 2, 8, 3, [b"\x00\x01", b"\x01\x00"], extra=palette))
    write(
        "PNG",
        "palette-alpha",
        png(2, 1, 1, 3, [b"\x40"], extra=palette + transparency),
    )
    gamma = png_chunk(b"gAMA", struct.pack(">I", 100000))
    write("PNG", "rgb-gamma", png(1, 1, 8, 2, [b"\x10\x80\xf0"], extra=gamma))
    # Adam7 with a 1x1 image puts the only pixel in the first pass.
    write("PNG", "interlaced", png(1, 1, 8, 2, [b"\x10\x20\x30"], interlace=1))


def npy(array, version=None):
    buffer = io.BytesIO()
    if version is None:
        numpy.save(buffer, array)
    else:
        numpy.lib.format.write_array(buffer, array, version=version)
    return buffer.getvalue()


def numpy_seeds():
    write("Numpy", "int64", npy(numpy.array([0, 2, 1], dtype="<i8")))
    write("Numpy", "float32", npy(numpy.arange(6, dtype="<f4").reshape(2, 3)))
    write("Numpy", "float64", npy(numpy.array([[0.5]], dtype="<f8")))
    write("Numpy", "uint8-scalar", npy(numpy.array(7, dtype="u1")))
    write("Numpy", "int16-empty", npy(numpy.zeros((0, 4), dtype="<i2")))
    write("Numpy", "int32-v2", npy(numpy.array([1, -1], dtype="<i4"), version=(2, 0)))
    write("Numpy", "int8", npy(numpy.array([-128, 127], dtype="i1")))


def event_log_seeds():
    sys.path.insert(0, os.path.join(ROOT, "integrations", "python"))
    from lepton_run import LeptonRun

    with tempfile.TemporaryDirectory() as runs:
        with LeptonRun(
            runs,
            model="seed",
            dataset="seed",
            classes=["a", "b", "c"],
            config={"epochs": 1, "batch_size": 2, "lr": 0.1},
        ) as run:
            run.log_batch(1, 1.25, 0.1, accuracy=0.5)
            run.log_epoch(
                1,
                train_loss=1.0,
                test_scores=numpy.array([[0.5, 0.25, 0.25], [0.1, 0.2, 0.7]]),
                test_labels=numpy.array([0, 2]),
            )
        with open(os.path.join(run.path, "events.jsonl"), "rb") as handle:
            log = handle.read()
        with open(os.path.join(run.path, "run.json"), "rb") as handle:
            status = handle.read()
    # Control byte: the incremental parser reads pieces of (byte + 1) bytes.
    write("EventLog", "run", bytes([255]) + log)
    write("EventLog", "run-in-pieces", bytes([6]) + log)
    lines = log.split(b"\n")
    write("EventLog", "truncated-last-line", bytes([31]) + b"\n".join(lines[:2])[:-9])
    write("EventLog", "status", bytes([255]) + status)


def theme_seeds():
    with open(os.path.join(ROOT, "themes", "default.theme"), "rb") as handle:
        write("Theme", "default", handle.read())
    write(
        "Theme",
        "mistakes",
        b"accent = purpel\nseries-3 = 300 bold\nheat-8 = bright-blue blink\n"
        b"text\nunknown = red\naccent = 12 reverse underline # again\n",
    )


def command_line_seeds():
    def arguments(selector, *words):
        return bytes([selector]) + b"\x00".join(word.encode() for word in words)

    # Selector: 0 train, 1 eval, 2 evaluate, 3 report, 4 the generic option loop.
    write(
        "CommandLine",
        "train",
        arguments(
            0, "--model", "conv8k3p1-bn-relu-pool2-dense10", "--epochs=3", "--lr", "0.05",
            "--optimizer", "adamw", "--augment", "crop2,flip", "--val-split", "0.1",
            "--headless", "--model", "fmnist-cnn",
        ),
    )
    write("CommandLine", "train-typo", arguments(0, "--epoch", "2", "--nesterov"))
    write(
        "CommandLine",
        "eval",
        arguments(1, "--scores", "s.npy", "--labels", "l.npy", "--classes", "a,b", "--json"),
    )
    write("CommandLine", "evaluate", arguments(2, "--checkpoint", "c.ckpt", "--batch", "32"))
    write(
        "CommandLine",
        "report",
        arguments(3, "runs/x", "--class", "b", "--threshold", "0.3", "--sweep"),
    )
    write(
        "CommandLine",
        "models",
        arguments(4, "lenet5", "--input", "3x32x32", "conv4k5-relu-dense3", "-", "--batch=-1"),
    )


def main():
    idx_seeds()
    cifar_seeds()
    png_seeds()
    numpy_seeds()
    event_log_seeds()
    theme_seeds()
    command_line_seeds()


if __name__ == "__main__":
    main()
