"""Document builders: Word, Excel and PowerPoint made from query results (the 督办单 first; the rest follow)."""
