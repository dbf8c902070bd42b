"""Who may sign in and act: accounts, tokens, sign-in limits, the CLI's named operator."""
