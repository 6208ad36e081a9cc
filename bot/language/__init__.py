"""Reading Japanese without the knowledge base: the bottom floor of the core.

- `text`: normalisation (NFKC, width, kana), tokenising, readings, romaji, search keys.
- `question`: what kind of question a sentence is (yes/no, help, small talk, a claim, conditions).
- `message`: a message as people write it at work, read into the question it asks.
"""
