"""The MkDocs side of kubedocs, in the shape of Material's plugins: the plugin (`plugin.py`) and its configuration
(`config.py`) beside what they drive — the figure blocks of pages (`blocks.py`), producing figures through the
pipeline and the cache (`figures.py`, `cache.py`), their HTML (`html.py`, `words.py`), the redacted source view
(`redact.py`) and the `gen` commands that build a site's figures from the shell (`commands.py`)."""
