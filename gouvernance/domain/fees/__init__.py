"""Fee schedules (rules as data) and the engine that evaluates and explains them."""
