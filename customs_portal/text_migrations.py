"""The migration that turns a plain-text column into a stored-text column (``texts.StoredTextField``).

Rows written before keep their text: it becomes a JSON string, which ``texts.render`` shows as
it was. Django's own AlterField would cast with ``column::jsonb``, which refuses plain text.
"""

from django.db import migrations


class TextToStoredText(migrations.AlterField):
    """AlterField from a TextField to a StoredTextField, keeping every row's text."""

    def _names(self, app_label, schema_editor, state):
        model = state.apps.get_model(app_label, self.model_name)
        quote = schema_editor.quote_name
        return model, quote(model._meta.db_table), quote(model._meta.get_field(self.name).column)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model, table, column = self._names(app_label, schema_editor, from_state)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
            schema_editor.execute(
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE jsonb USING to_jsonb({column})"
            )
            return
        schema_editor.execute(f"UPDATE {table} SET {column} = json_quote({column})")
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model, table, column = self._names(app_label, schema_editor, from_state)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE text USING "
                f"(CASE WHEN jsonb_typeof({column}) = 'string' THEN {column} #>> '{{}}' ELSE {column}::text END)"
            )
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)
        schema_editor.execute(
            f"UPDATE {table} SET {column} = json_extract({column}, '$') WHERE json_type({column}) = 'text'"
        )
