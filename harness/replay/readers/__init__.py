"""One reader per replay format: jsonfile (JSON, JSON Lines), powershell (.ps1), awscli
(.sh/.txt) and cloudtrail. Each exposes ``read(path, text, env, display) -> ReadResult``
(cloudtrail also ``read_records`` and ``read_document`` for the JSON reader).
"""
