"""The knowledge base: the YAML documents, the model built from them, and what is searched.

- `yaml_reader`: YAML with line numbers, so an error names the file and line.
- `model`: documents → partners → sections, events and people; `KnowledgeBase` and its loader.
- `facts`: the knowledge base compiled into fact units and their index.
- `dates`: dates, times and events written as Japanese readers expect them.
- `draft`: a knowledge-base entry drafted from an announcement (`python app.py draft`).

Imports only `bot.language` below it.
"""
