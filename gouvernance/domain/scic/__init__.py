"""The SCIC transition: the law as dated parameters, statutes as data, compliance, capital
register and surplus allocation."""
