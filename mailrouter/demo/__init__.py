"""`mailrouter demo`: the whole daemon on sample data with local servers."""
