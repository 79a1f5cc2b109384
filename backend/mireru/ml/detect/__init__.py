"""The `detector` model kind: torchvision detectors (and a tiny one for tests) fine-tuned on the
project's boxes; training task, data, inference and COCO-style metrics."""
