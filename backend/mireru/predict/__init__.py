"""Serving the deployed prediction models: classify, detect and keywords for one item or an
uploaded image, batch prediction into suggestions, and detector crops that become items."""
