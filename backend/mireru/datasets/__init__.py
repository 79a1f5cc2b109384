"""Datasets in and out: ImageFolder trees, COCO detection JSON and CSV, imported as RQ jobs."""
