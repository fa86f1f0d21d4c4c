"""What the pages share: scope, URL state, session, downloads, item actions, tables, text and errors."""
