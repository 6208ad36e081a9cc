"""The commands (help, list, schedule, remind, report, reload): the top floor of the core.

- `registry`: each command declared once as an async function of a `Request` returning a
  `Reply`, the `Reply` values, and the Protocols the commands need of the rest.
"""
