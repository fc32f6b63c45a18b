{#-
    The raw tables' contract (SEGMENTS.md section 1), checked once before any
    model runs (on-run-start, after validate_settings): every table and column
    is there, and every column's type can hold its values. A column typed
    wrongly (an epoch number where a timestamp belongs, a float where a
    boolean belongs) stops the build here with a message naming the table, the
    column, its type and the types accepted, instead of turning every value
    into null without a word (DECISIONLOG D39). Empty tables and columns null
    in every row of a non-empty table get a warning naming them.
-#}

{% macro raw_contract() %}
    {#- table -> column -> role; a role names the column classes it accepts (raw_role_classes). -#}
    {{- return({
        'customers': {
            'customer_id': 'key',
            'email': 'text',
            'signed_up_at': 'timestamp',
            'accepts_marketing': 'boolean',
            '_loaded_at': 'timestamp',
        },
        'orders': {
            'order_id': 'key',
            'customer_id': 'key',
            'ordered_at': 'timestamp',
            'status': 'text',
            'order_total': 'number',
            'items_quantity': 'number',
            '_loaded_at': 'timestamp',
        },
        'returns': {
            'return_id': 'key',
            'order_id': 'key',
            'returned_at': 'timestamp',
            'returned_quantity': 'number',
            'refund_amount': 'number',
            '_loaded_at': 'timestamp',
        },
        'carts': {
            'cart_id': 'key',
            'customer_id': 'key',
            'created_at': 'timestamp',
            'items_quantity': 'number',
            'cart_value': 'number',
            'converted_order_id': 'key',
            '_loaded_at': 'timestamp',
        },
    }) -}}
{% endmacro %}


{% macro raw_role_classes() %}
    {#- The column classes (column_type_class) each role accepts, with the words a message uses. -#}
    {{- return({
        'key': (['text', 'integer', 'uuid'], 'text, a whole-number type or uuid'),
        'text': (['text'], 'text'),
        'timestamp': (['timestamp', 'timestamptz', 'date', 'text'], 'timestamp, timestamp with time zone, date or text'),
        'number': (['integer', 'decimal', 'float', 'text'], 'a number type or text'),
        'boolean': (['boolean', 'integer', 'text'], 'boolean, a whole-number type (0/1) or text'),
    }) -}}
{% endmacro %}


{% macro check_raw_tables() %}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
        {%- do require_plain_identifiers() -%}
        {%- set problems = [] -%}
        {%- set notices = [] -%}
        {%- set role_classes = raw_role_classes() -%}
        {%- if is_shopify_fivetran() -%}
            {%- do _check_shopify_tables(problems, notices) -%}
        {%- endif -%}
        {%- for table_name, contract in (raw_contract().items() if not is_shopify_fivetran() else []) -%}
            {%- set relation = source('shop', table_name) -%}
            {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
            {%- if found is none -%}
                {%- do problems.append('raw table ' ~ relation ~ ' does not exist (raw_schema = ' ~ var('raw_schema') ~ ')') -%}
            {%- else -%}
                {%- set columns = {} -%}
                {%- for column in adapter.get_columns_in_relation(found) -%}
                    {%- do columns.update({column.name | lower: column}) -%}
                {%- endfor -%}
                {%- for column_name, role in contract.items() -%}
                    {%- set accepted, accepted_words = role_classes[role] -%}
                    {%- if column_name not in columns -%}
                        {%- do problems.append(table_name ~ '.' ~ column_name ~ ': missing from raw table ' ~ relation) -%}
                    {%- elif column_type_class(columns[column_name].dtype) not in accepted -%}
                        {%- do problems.append(
                            table_name ~ '.' ~ column_name ~ ' has type ' ~ columns[column_name].dtype
                            ~ ', which cannot hold its values; the types accepted are ' ~ accepted_words
                        ) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if not problems -%}
                    {%- do notices.extend(_raw_table_notices(table_name, found, contract.keys() | list)) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error('The raw tables do not meet the contract (SEGMENTS.md section 1):\n  - ' ~ problems | join('\n  - ')) }}
        {%- endif -%}
        {%- for notice in notices -%}
            {%- do exceptions.warn(notice) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{% endmacro %}


{% macro _check_shopify_tables(problems, notices) %}
    {#-
        With raw_source shopify_fivetran the contract's four tables are the
        staging models of models/staging/shopify, typed by the connector: the
        connector's tables must exist, and an empty one gets a warning
        (DECISIONLOG D45).
    -#}
    {%- for table_name in shopify_connector_tables() -%}
        {%- set relation = source('shopify', table_name) -%}
        {%- set found = adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
        {%- if found is none -%}
            {%- do problems.append('Shopify table ' ~ relation ~ ' does not exist (shopify_schema = ' ~ var('shopify_schema') ~ ')') -%}
        {%- else -%}
            {%- do notices.extend(_raw_table_notices(table_name, found, [])) -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro _raw_table_notices(table_name, relation, column_names) %}
    {#- One scan of a raw table: is it empty, and which columns are null in every row? -#}
    {%- set counts_query -%}
        select
            count(*) as row_count
            {%- for column_name in column_names %},
            count({{ adapter.quote(column_name) }}) as {{ adapter.quote('non_null_' ~ loop.index) }}
            {%- endfor %}
        from {{ relation }}
    {%- endset -%}
    {%- set row = run_query(counts_query).rows[0] -%}
    {%- set notices = [] -%}
    {%- if row[0] | int == 0 -%}
        {%- do notices.append('raw table ' ~ table_name ~ ' (' ~ relation ~ ') is empty: no ' ~ table_name ~ ' reach the marts') -%}
    {%- else -%}
        {%- for column_name in column_names -%}
            {%- if row[loop.index] | int == 0 -%}
                {%- do notices.append('raw column ' ~ table_name ~ '.' ~ column_name ~ ' is null in every one of its ' ~ row[0] ~ ' rows') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(notices) -}}
{% endmacro %}


{% macro assert_sources_publishable(reconciled) %}
    {#-
        Raise, naming every failing table and its share, when a table's
        rejected share exceeds max_rejected_pct (compared exactly, in whole
        numbers) or a raw table with rows has no clean row. Read by the gate
        model int_source_tables_gated.
    -#}
    {%- set maximum = var('max_rejected_pct') | int -%}
    {%- set rows = run_query(
        'select source_table, raw_rows, clean_rows, rejected_rows from ' ~ reconciled ~ ' order by source_table'
    ).rows -%}
    {%- set failures = [] -%}
    {%- for source_table, raw_rows, clean_rows, rejected_rows in rows -%}
        {%- set raw_rows, clean_rows, rejected_rows = raw_rows | int, clean_rows | int, rejected_rows | int -%}
        {%- set share = '%.1f %%' | format(rejected_rows * 100.0 / raw_rows) if raw_rows > 0 else '0 %' -%}
        {%- if rejected_rows * 100 > maximum * raw_rows -%}
            {%- do failures.append(source_table ~ ': ' ~ share ~ ' of its raw rows rejected (' ~ rejected_rows
                ~ ' of ' ~ raw_rows ~ '), above max_rejected_pct = ' ~ maximum) -%}
        {%- elif raw_rows > 0 and clean_rows == 0 -%}
            {%- do failures.append(source_table ~ ': no clean row of its ' ~ raw_rows ~ ' raw '
                ~ ('row' if raw_rows == 1 else 'rows') ~ ' (' ~ share ~ ' rejected, the rest superseded)') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if failures -%}
        {{ exceptions.raise_compiler_error(
            'Publication gate: the raw data did not pass, so customer_segments and the marts read from it '
            ~ 'keep their last good state (see rejected_rows and source_reconciliation):\n  - '
            ~ failures | join('\n  - ')
        ) }}
    {%- endif -%}
{% endmacro %}
