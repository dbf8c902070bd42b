"""The web pages, one module per person's job: the front door, the members' space, online
voting, the scrutineers' live screen, the board's simulator."""
