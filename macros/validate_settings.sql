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
            {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of) or _parse_date(as_of) is none -%}
                {%- do problems.append('as_of_date = ' ~ configured_as_of ~ ': must be a date written YYYY-MM-DD (from 0001-01-01 to 9998-12-31), or null for today in reporting_timezone') -%}
            {%- endif -%}
        {%- endif -%}

        {%- set configured_history_start = var('history_start_date', none) -%}
        {%- if configured_history_start is not none and configured_history_start | string | trim != '' -%}
            {%- set history_start = configured_history_start | string | trim -%}
            {%- set as_of_text = get_as_of_date() -%}
            {%- set history_start_day = _parse_date(history_start) if modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', history_start) else none -%}
            {%- set as_of_day = _parse_date(as_of_text) if modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of_text) else none -%}
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


{% macro excluded_order_statuses() -%}
    {#-
        The excluded statuses as a SQL list of trimmed, lower-cased literals;
        with Shopify data, orders deleted in Shopify never count (D63).
    -#}
    {%- set statuses = var('excluded_order_statuses') | list -%}
    {%- if var('raw_source', 'contract') == 'shopify_fivetran' -%}
        {%- set statuses = statuses + ['deleted'] -%}
    {%- endif -%}
    {%- for status in statuses -%}
        '{{ status | trim | lower | replace("'", "''") }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{% macro project_var_names() %}
    {#- Every var of the project (dbt_project.yml; tests/test_settings.py checks the two agree). -#}
    {{- return([
        'raw_schema', 'raw_database', 'as_of_date', 'reporting_timezone', 'excluded_order_statuses',
        'new_signup_window_days', 'active_window_days', 'new_customer_window_days',
        'high_potential_min_pct', 'one_off_after_days', 'frequent_returner_min_returns',
        'frequent_returner_min_return_pct', 'multi_item_min_items', 'value_tier_high_min_pct',
        'value_tier_medium_min_pct', 'late_churn_min_tenure_days', 'cart_abandonment_window_days',
        'max_rejected_pct', 'history_start_date', 'sync_email_as_sha256',
        'raw_source', 'shopify_schema', 'shopify_database',
        'adaptive_window_pct', 'holdout_pct', 'holdout_salt', 'holdout_measure_days',
        'prediction_horizon_days',
    ]) -}}
{% endmacro %}


{% macro _identifier_problems() %}
    {#-
        raw_schema, raw_database, shopify_schema and shopify_database name a
        schema and a database in SQL: only
        plain names pass (letters, digits, _, $ and -), so no text of a var
        can ever become SQL; the adapter quotes them (DECISIONLOG D40).
    -#}
    {%- set problems = [] -%}
    {%- for name in ['raw_schema', 'raw_database', 'shopify_schema', 'shopify_database'] -%}
        {%- set value = var(name) -%}
        {%- if value is none and name.endswith('_database') -%}
        {%- elif value is not string or not modules.re.match('^[A-Za-z0-9_$-]+\\Z', value) -%}
            {%- do problems.append(name ~ ' = ' ~ (value | string | tojson) ~ ': must be a plain name of letters, digits, _, $ and -'
                ~ (' (or null for the target database)' if name.endswith('_database') else '')) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(problems) -}}
{% endmacro %}


{% macro require_plain_identifiers() %}
    {#- Stop before any SQL that names the raw schema runs (check_raw_tables calls it first). -#}
    {%- set problems = _identifier_problems() -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error('Invalid settings (dbt vars):\n  - ' ~ problems | join('\n  - ')) }}
    {%- endif -%}
{% endmacro %}


{% macro _warn_unknown_vars() %}
    {#-
        A var given on the command line that the project does not know is most
        likely a misspelt one, silently ignored by dbt: warn, naming the closest
        known var. In a host project (this one installed as a package) only a
        near miss is named, since the host's own vars are not ours to judge.
        Vars set in a dbt_project.yml cannot be listed from Jinja (DECISIONLOG D41).
    -#}
    {%- set known = project_var_names() -%}
    {%- set given = invocation_args_dict.get('vars') or {} -%}
    {%- if given is mapping -%}
        {%- for name in given.keys() | sort if name not in known -%}
            {%- set ns = namespace(best=none, distance=1000) -%}
            {%- for candidate in known -%}
                {%- set distance = _edit_distance(name | lower, candidate) -%}
                {%- if distance < ns.distance -%}
                    {%- set ns.best, ns.distance = candidate, distance -%}
                {%- endif -%}
            {%- endfor -%}
            {%- set near = ns.distance <= [3, (name | length) // 3] | max -%}
            {%- if project_name == 'lifecycle_segments' or near -%}
                {%- do exceptions.warn(
                    'Unknown var ' ~ name ~ ': lifecycle_segments does not read it, so it changes nothing. '
                    ~ 'Did you mean ' ~ ns.best ~ '?'
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{% macro _edit_distance(left, right) %}
    {#- Levenshtein distance between two short texts. -#}
    {%- set ns = namespace(previous=range(right | length + 1) | list) -%}
    {%- for left_index in range(left | length) -%}
        {%- set current = [left_index + 1] -%}
        {%- for right_index in range(right | length) -%}
            {%- set cost = 0 if left[left_index] == right[right_index] else 1 -%}
            {%- do current.append([ns.previous[right_index + 1] + 1, current[right_index] + 1, ns.previous[right_index] + cost] | min) -%}
        {%- endfor -%}
        {%- set ns.previous = current -%}
    {%- endfor -%}
    {{- return(ns.previous[-1]) -}}
{% endmacro %}
