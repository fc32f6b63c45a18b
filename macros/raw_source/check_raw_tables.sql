{#-
    The raw tables' contract, checked once before any model runs (on-run-start,
    after validate_settings): every table and column is there, and every
    column's type can hold its values. A column typed wrongly (an epoch number
    where a timestamp belongs, a float where a boolean belongs) stops the build
    here with a message naming the table, the column, its type and the types
    accepted, instead of turning every value into null without a word
    (DECISIONLOG D39). Empty tables and columns null in every row of a
    non-empty table get a warning naming them.
-#}

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
    {#-
        Is a raw table empty, and which columns are null in every row? One
        query of probes that each stop at their first row: the table's, and
        each column's first non-null value. A daily run's check then costs the
        same on years of raw rows as on a day's, where counting every row cost
        9 to 55 s at 100M orders (issue 13). The rows are counted only for the
        warning about a column null in every row, whose probe read them all.
    -#}
    {%- set probes_query -%}
        select 0 as probe from (select 1 as found from {{ relation }} limit 1) as probe_0
        {%- for column_name in column_names %}
        union all
        select {{ loop.index }} as probe
        from (
            select 1 as found from {{ relation }}
            where {{ adapter.quote(column_name) }} is not null
            limit 1
        ) as probe_{{ loop.index }}
        {%- endfor %}
    {%- endset -%}
    {%- set found = run_query(probes_query).columns[0].values() | map('int') | list -%}
    {%- set notices = [] -%}
    {%- if 0 not in found -%}
        {%- do notices.append('raw table ' ~ table_name ~ ' (' ~ relation ~ ') is empty: no ' ~ table_name ~ ' reach the marts') -%}
    {%- else -%}
        {%- set null_columns = [] -%}
        {%- for column_name in column_names -%}
            {%- if loop.index not in found -%}
                {%- do null_columns.append(column_name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if null_columns -%}
            {%- set row_count = run_query('select count(*) from ' ~ relation).rows[0][0] -%}
            {%- for column_name in null_columns -%}
                {%- do notices.append('raw column ' ~ table_name ~ '.' ~ column_name ~ ' is null in every one of its ' ~ row_count ~ ' rows') -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{- return(notices) -}}
{% endmacro %}
