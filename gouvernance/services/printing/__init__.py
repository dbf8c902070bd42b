"""What is printed: the shared PDF/HTML layout and the spreadsheets."""
