"""load_story and restore_story: the whole story from the fixtures, and one row's earlier version."""
