{#-
    Date settings (as_of_date, history_start_date) read in Jinja: one rule for
    what a date setting is, used by validate_settings() and by the history
    window (macros/history/history_window.sql).
-#}

{% macro parse_date_setting(text) %}
    {#-
        A date setting's text (YYYY-MM-DD, a day that exists, year 0001 to
        9998) as a date, or none when it is not one.
    -#}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{- return(none) -}}
    {%- endif -%}
    {{- return(_parse_date(text)) -}}
{% endmacro %}


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
