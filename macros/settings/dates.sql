{#-
    Date settings (as_of_date, history_start_date) read in Jinja.
-#}

{% macro _parse_date(text) %}
    {#- A date from YYYY-MM-DD, or none when the day does not exist (Feb 30). -#}
    {%- set year, month, day = text.split('-') | map('int') -%}
    {%- if year < 1 or year > 9998 or month < 1 or month > 12 or day < 1 -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set first_of_next_month = modules.datetime.date(year + month // 12, month % 12 + 1, 1) -%}
    {%- set days_in_month = (first_of_next_month - modules.datetime.timedelta(days=1)).day -%}
    {{- return(modules.datetime.date(year, month, day) if day <= days_in_month else none) -}}
{% endmacro %}
