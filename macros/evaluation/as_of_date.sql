{#-
    The evaluation date and the day arithmetic of SEGMENTS.md section 2.
-#}

{% macro get_as_of_date() %}
    {#-
        `as_of_date` as YYYY-MM-DD: the var, or the date in `reporting_timezone`
        when the invocation started (run_started_at, so every model of one run
        agrees even across midnight).
    -#}
    {%- set configured = var('as_of_date') -%}
    {%- if configured is none or configured | string | trim == '' -%}
        {%- set timezone = modules.pytz.timezone(var('reporting_timezone')) -%}
        {{- return(run_started_at.astimezone(timezone).strftime('%Y-%m-%d')) -}}
    {%- endif -%}
    {{- return(configured | string | trim) -}}
{% endmacro %}


{% macro as_of_date() -%}
    cast('{{ get_as_of_date() }}' as date)
{%- endmacro %}


{% macro days_since(timestamp_expression) -%}
    {#- as_of_date minus the local date of a timestamp, in whole days (0 on the same day). -#}
    {{ days_between(to_local_date(timestamp_expression), as_of_date()) }}
{%- endmacro %}


{% macro is_on_or_before_as_of(timestamp_expression) -%}
    {#- True when the event's local date is not after as_of_date: it has happened. -#}
    {{ to_local_date(timestamp_expression) }} <= {{ as_of_date() }}
{%- endmacro %}
