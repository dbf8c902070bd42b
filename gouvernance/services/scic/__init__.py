"""The SCIC transition: law and statutes, compliance, transition report, capital, surplus."""
