"""The model registry: versions made by training runs, compared, downloaded, deployed, rolled back."""
