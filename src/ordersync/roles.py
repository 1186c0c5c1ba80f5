"""The roles and languages a user can have: their own module so that the command line's help can name them
without importing the accounts package (argon2, the database)."""

ROLES = ("owner", "staff", "readonly")
LOCALES = ("de", "en")
