"""Guard rules and exemplars (rules.yaml, reviewed data) and the classifier that applies them."""
