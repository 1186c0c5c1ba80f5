"""The application layer: the use cases the command line, the REST API and the web app share.

A use case here takes the hub, the caller's account name and plain values, and returns plain data; it does
no printing and no HTTP. Queries the API and the web app already share live in readmodel/ and the engine's
actions in sync/ (actions, stock, articles, connections, dispatcher, uploads); this package holds the rest,
which the command line ran as its own SQL before. Nothing here is imported by sync/ or by a channel.
"""
