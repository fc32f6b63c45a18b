{#-
    The summary of a scheduled run (make daily, tools/daily.py), logged as one
    block: rows in and where they went per raw table, customers per lifecycle
    segment at the end of as_of_date and the moves of that day. Reads only the
    public marts with portable SQL (run on DuckDB and PostgreSQL):

        dbt run-operation daily_run_summary
-#}

{% macro daily_run_summary() %}
    {%- if not execute -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set reconciliation = run_query(
        'select source_table, raw_rows, clean_rows, rejected_rows, superseded_rows from '
        ~ ref('source_reconciliation') ~ ' order by source_table'
    ) -%}
    {%- set summary = ref('segment_daily_summary') -%}
    {%- set segments = run_query(
        'select cast(summary_date as ' ~ dbt.type_string() ~ ') as summary_date, lifecycle_segment, customers,'
        ~ ' coalesce(customers_entered, 0) as customers_entered, coalesce(customers_left, 0) as customers_left'
        ~ ' from ' ~ summary ~ ' where summary_date = (select max(summary_date) from ' ~ summary ~ ')'
        ~ ' order by lifecycle_segment'
    ) -%}
    {%- set lines = ['=== lifecycle_segments daily run summary ==='] -%}
    {%- do lines.append('as_of_date: ' ~ get_as_of_date() ~ '   raw_source: ' ~ var('raw_source', 'contract')) -%}
    {%- do lines.append('rows in      ' ~ '%-10s %10s %10s %10s %10s' | format('table', 'raw', 'clean', 'rejected', 'superseded')) -%}
    {%- set totals = {'raw': 0, 'rejected': 0} -%}
    {%- for row in reconciliation.rows -%}
        {%- do lines.append('             ' ~ '%-10s %10d %10d %10d %10d' | format(row[0], row[1], row[2], row[3], row[4])) -%}
        {%- do totals.update({'raw': totals['raw'] + row[1], 'rejected': totals['rejected'] + row[3]}) -%}
    {%- endfor -%}
    {%- do lines.append('rows in: ' ~ totals['raw'] ~ '   rejected: ' ~ totals['rejected']) -%}
    {%- set day = segments.rows[0][0] if segments.rows else 'no history' -%}
    {%- do lines.append('segments on ' ~ day ~ '   ' ~ '%-24s %10s %9s %9s' | format('lifecycle_segment', 'customers', 'entered', 'left')) -%}
    {%- set moves = {'customers': 0, 'entered': 0} -%}
    {%- for row in segments.rows -%}
        {%- do lines.append('                          ' ~ '%-24s %10d %9d %9d' | format(row[1], row[2], row[3], row[4])) -%}
        {%- do moves.update({'customers': moves['customers'] + row[2], 'entered': moves['entered'] + row[3]}) -%}
    {%- endfor -%}
    {%- do lines.append('customers: ' ~ moves['customers'] ~ '   moves that day: ' ~ moves['entered']) -%}
    {%- do lines.append('=== end of summary ===') -%}
    {%- do log(lines | join('\n'), info=True) -%}
{% endmacro %}
