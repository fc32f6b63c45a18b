{#-
    Every setting of SEGMENTS.md, checked once before any model runs
    (on-run-start). A value that makes no sense stops the build with a message
    naming the var and the allowed range (SEGMENTS.md section 7, DECISIONLOG D13).
-#}

{% macro validate_settings() %}
    {%- if execute -%}
        {%- do _warn_unknown_vars() -%}
        {%- set problems = _identifier_problems() -%}

        {#- windows: at most 100 years (36,500 days); counts: at most a million (SEGMENTS.md section 7) -#}
        {%- set whole_number_ranges = [
            ('new_signup_window_days', 1, 36500),
            ('active_window_days', 1, 36500),
            ('new_customer_window_days', 1, 36500),
            ('cart_abandonment_window_days', 1, 36500),
            ('one_off_after_days', 0, 36500),
            ('late_churn_min_tenure_days', 0, 36500),
            ('frequent_returner_min_returns', 1, 1000000),
            ('multi_item_min_items', 1, 1000000),
            ('high_potential_min_pct', 0, 100),
            ('frequent_returner_min_return_pct', 0, 100),
            ('value_tier_high_min_pct', 0, 100),
            ('value_tier_medium_min_pct', 0, 100),
            ('max_rejected_pct', 0, 100),
            ('adaptive_window_pct', 1, 100),
            ('holdout_pct', 0, 100),
            ('holdout_measure_days', 1, 36500),
            ('prediction_horizon_days', 1, 3650),
        ] -%}
        {%- for name, minimum, maximum in whole_number_ranges -%}
            {%- set allowed = 'a whole number ' ~ ('from ' ~ minimum ~ ' to ' ~ maximum if maximum is not none else minimum ~ ' or more') -%}
            {#- the range is written without thousands separators, as a var is typed -#}
            {%- set value = var(name) -%}
            {%- if not _is_whole_number(value) -%}
                {%- do problems.append(name ~ ' = ' ~ value ~ ': must be ' ~ allowed) -%}
            {%- elif value | int < minimum or (maximum is not none and value | int > maximum) -%}
                {%- do problems.append(name ~ ' = ' ~ value ~ ': must be ' ~ allowed) -%}
            {%- endif -%}
        {%- endfor -%}

        {%- set high = var('value_tier_high_min_pct') -%}
        {%- set medium = var('value_tier_medium_min_pct') -%}
        {%- if _is_whole_number(high) and _is_whole_number(medium) and medium | int > high | int -%}
            {%- do problems.append('value_tier_medium_min_pct = ' ~ medium ~ ': must not be above value_tier_high_min_pct = ' ~ high) -%}
        {%- endif -%}

        {%- set timezone = var('reporting_timezone') -%}
        {%- set timezone_is_valid = timezone is string and timezone in modules.pytz.all_timezones -%}
        {%- if not timezone_is_valid -%}
            {%- do problems.append('reporting_timezone = ' ~ timezone ~ ': must be an IANA time zone name such as UTC or Europe/Madrid') -%}
        {%- endif -%}
        {%- set configured_as_of = var('as_of_date') -%}
        {%- if configured_as_of is not none and configured_as_of | string | trim != '' -%}
            {%- set as_of = configured_as_of | string | trim -%}
            {%- if parse_date_setting(as_of) is none -%}
                {%- do problems.append('as_of_date = ' ~ configured_as_of ~ ': must be a date written YYYY-MM-DD (from 0001-01-01 to 9998-12-31), or null for today in reporting_timezone') -%}
            {%- endif -%}
        {%- endif -%}

        {%- set configured_history_start = var('history_start_date', none) -%}
        {%- if configured_history_start is not none and configured_history_start | string | trim != '' -%}
            {%- set history_start = configured_history_start | string | trim -%}
            {%- set as_of_text = get_as_of_date() -%}
            {%- set history_start_day = parse_date_setting(history_start) -%}
            {%- set as_of_day = parse_date_setting(as_of_text) -%}
            {%- if history_start_day is none or (as_of_day is not none and history_start_day > as_of_day) -%}
                {%- do problems.append('history_start_date = ' ~ configured_history_start ~ ': must be a date written YYYY-MM-DD on or before as_of_date (' ~ as_of_text ~ '), or null for 365 days before as_of_date') -%}
            {%- endif -%}
        {%- endif -%}
        {%- if var('holdout_salt') is not string -%}
            {%- do problems.append('holdout_salt = ' ~ var('holdout_salt') ~ ': must be text (quote it), such as holdout-1') -%}
        {%- endif -%}
        {%- if var('sync_email_as_sha256', false) is not boolean -%}
            {%- do problems.append('sync_email_as_sha256 = ' ~ var('sync_email_as_sha256') ~ ': must be true or false') -%}
        {%- endif -%}

        {%- if var('raw_source', 'contract') not in raw_sources() -%}
            {%- do problems.append('raw_source = ' ~ var('raw_source') ~ ': must be one of ' ~ raw_sources() | join(', ')) -%}
        {%- endif -%}

        {%- set statuses = var('excluded_order_statuses') -%}
        {%- if statuses is string or statuses is mapping or statuses is not iterable -%}
            {%- do problems.append('excluded_order_statuses = ' ~ statuses ~ ': must be a list of status strings, such as [cancelled, test]') -%}
        {%- else -%}
            {%- for status in statuses if status is not string or status | trim == '' -%}
                {%- do problems.append('excluded_order_statuses contains ' ~ status ~ ': every entry must be a non-blank string') -%}
            {%- endfor -%}
        {%- endif -%}

        {%- if problems -%}
            {{ exceptions.raise_compiler_error('Invalid settings (dbt vars):\n  - ' ~ problems | join('\n  - ')) }}
        {%- endif -%}
    {%- endif -%}
    select 1
{% endmacro %}


{% macro _is_whole_number(value) %}
    {{- return(value is number and value is not boolean and value | int == value) -}}
{% endmacro %}
