{#-
    The publication gate (int_source_tables_gated): the marts are written
    only when the raw tables pass.
-#}

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
