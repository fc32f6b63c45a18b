{#-
    The window of the segment history (customer_segment_history and the marts
    read from it): from history_start_date to as_of_date, both included.
-#}

{% macro get_history_start_date() %}
    {#-
        `history_start_date` as YYYY-MM-DD: the var, or 365 days before
        as_of_date when it is null. A value that is not a date is returned as
        given: validate_settings() stops the run with a readable message.
    -#}
    {%- set configured = var('history_start_date', none) -%}
    {%- if configured is not none and configured | string | trim != '' -%}
        {{- return(configured | string | trim) -}}
    {%- endif -%}
    {%- set as_of = get_as_of_date() -%}
    {%- set as_of_day = parse_date_setting(as_of) -%}
    {%- if as_of_day is none or as_of_day.year < 2 -%}
        {{- return(as_of) -}}
    {%- endif -%}
    {{- return((as_of_day - modules.datetime.timedelta(days=365)).strftime('%Y-%m-%d')) -}}
{% endmacro %}


{% macro history_start_date() -%}
    cast('{{ get_history_start_date() }}' as date)
{%- endmacro %}


{% macro history_days() %}
    {#- Days from history_start_date to as_of_date, both included (1 when unparseable). -#}
    {%- set start, end = get_history_start_date(), get_as_of_date() -%}
    {%- set start_day, end_day = parse_date_setting(start), parse_date_setting(end) -%}
    {%- if start_day is none or end_day is none or end_day < start_day -%}
        {{- return(1) -}}
    {%- endif -%}
    {{- return((end_day - start_day).days + 1) -}}
{% endmacro %}
