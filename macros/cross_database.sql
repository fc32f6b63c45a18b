{#-
    The engine-specific SQL of the project, and nowhere else: each macro
    dispatches to a `default__` (written for DuckDB, the embedded default) and,
    where an engine differs, to its own variant.
-#}

{% macro money_type() -%}
    {{ return(adapter.dispatch('money_type', 'lifecycle_segments')()) }}
{%- endmacro %}

{% macro default__money_type() -%}
    decimal(38, 6)
{%- endmacro %}


{% macro regexp_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'lifecycle_segments')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regexp_matches(expression, pattern) -%}
    ({{ expression }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro spark__regexp_matches(expression, pattern) -%}
    {#-
        Spark string literals read backslash escapes, so each backslash is
        doubled; and Java's `$` also matches before a final line break, so an
        end anchor becomes `\z`, the end of input as in RE2 and PostgreSQL.
    -#}
    ({{ expression }} rlike '{{ _java_pattern(pattern) | replace('\\', '\\\\') }}')
{%- endmacro %}

{% macro regexp_replace(expression, pattern, replacement) -%}
    {#- Replace every match; `\\1` in the replacement is the first group, on every engine. -#}
    {{ return(adapter.dispatch('regexp_replace', 'lifecycle_segments')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro spark__regexp_replace(expression, pattern, replacement) -%}
    {#- As spark__regexp_matches for the pattern; Java names a group $1, not \\1. -#}
    regexp_replace(
        {{ expression }},
        '{{ _java_pattern(pattern) | replace('\\', '\\\\') }}',
        '{{ modules.re.sub('\\\\(\\d)', '$\\1', replacement) }}'
    )
{%- endmacro %}

{% macro _java_pattern(pattern) -%}
    {%- if pattern.endswith('$') and not pattern.endswith('\\$') -%}
        {{- pattern[:-1] ~ '\\z' -}}
    {%- else -%}
        {{- pattern -}}
    {%- endif -%}
{%- endmacro %}


{% macro trim_whitespace(expression) -%}
    {#-
        The text with the characters SEGMENTS.md section 1 calls blank removed
        at both ends: space, tab, LF, CR, vertical tab, form feed, U+00A0,
        U+200B and U+FEFF. Each engine names the set its own way.
    -#}
    {{ return(adapter.dispatch('trim_whitespace', 'lifecycle_segments')(expression)) }}
{%- endmacro %}

{% macro _blank_code_points() -%}
    {{- return([32, 9, 10, 13, 11, 12, 160, 8203, 65279]) -}}
{%- endmacro %}

{% macro default__trim_whitespace(expression) -%}
    trim({{ expression }}, {{ _blank_characters_chr() }})
{%- endmacro %}

{% macro postgres__trim_whitespace(expression) -%}
    btrim({{ expression }}, {{ _blank_characters_chr() }})
{%- endmacro %}

{% macro _blank_characters_chr() -%}
    {#- DuckDB and PostgreSQL (UTF-8): chr() takes any code point. -#}
    ({% for code_point in _blank_code_points() %}chr({{ code_point }}){{ ' || ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro spark__trim_whitespace(expression) -%}
    {#- Spark's chr() takes a byte, not a code point; its literals read \uXXXX escapes. -#}
    trim(both '{% for code_point in _blank_code_points() %}\u{{ '%04X' | format(code_point) }}{% endfor %}' from {{ expression }})
{%- endmacro %}


{% macro parse_timestamp_text(text_expression) -%}
    {#-
        Text to a UTC timestamp: honour an explicit offset, else read as UTC;
        null if unparseable. An offset may follow a space, and Z may be lower
        case: both are normalised to +hh:mm first. One body for every engine,
        from the engine variants of regexp_replace, regexp_matches, try_cast
        and timestamptz_to_utc (on Spark, text without an offset is read in
        the session time zone, UTC in the profile).
    -#}
    {%- set offset_after_space = regexp_replace(text_expression, '\\s+([zZ]|[+-]\\d{2}(:?\\d{2})?)$', '\\1') -%}
    {%- set normalised = regexp_replace(offset_after_space, '[zZ]$', '+00:00') -%}
    case
        when {{ regexp_matches(text_expression, '\\d:\\d{2}(:\\d{2}(\\.\\d+)?)?\\s*([zZ]|[+-]\\d{2}(:?\\d{2})?)$') }}
            then {{ timestamptz_to_utc(try_cast(normalised, 'timestamptz')) }}
        else {{ try_cast(text_expression, 'timestamp') }}
    end
{%- endmacro %}


{% macro timestamptz_to_utc(expression) -%}
    {{ return(adapter.dispatch('timestamptz_to_utc', 'lifecycle_segments')(expression)) }}
{%- endmacro %}

{% macro default__timestamptz_to_utc(expression) -%}
    cast({{ expression }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__timestamptz_to_utc(expression) -%}
    {#- Spark's timestamp is an instant; in the UTC session time zone it reads as UTC. -#}
    cast({{ expression }} as {{ dbt.type_timestamp() }})
{%- endmacro %}


{% macro to_local_date(timestamp_expression) -%}
    {#- The date of a UTC timestamp in `reporting_timezone` (SEGMENTS.md section 2). -#}
    {{ return(adapter.dispatch('to_local_date', 'lifecycle_segments')(timestamp_expression, var('reporting_timezone'))) }}
{%- endmacro %}

{% macro default__to_local_date(timestamp_expression, timezone) -%}
    {%- if timezone == 'UTC' -%}
        cast({{ timestamp_expression }} as date)
    {%- else -%}
        cast(({{ timestamp_expression }} at time zone 'UTC') at time zone '{{ timezone }}' as date)
    {%- endif -%}
{%- endmacro %}

{% macro spark__to_local_date(timestamp_expression, timezone) -%}
    {%- if timezone == 'UTC' -%}
        cast({{ timestamp_expression }} as date)
    {%- else -%}
        cast(from_utc_timestamp({{ timestamp_expression }}, '{{ timezone }}') as date)
    {%- endif -%}
{%- endmacro %}


{% macro try_cast(expression, data_type) -%}
    {#- Cast, or null when the value does not convert (dbt.safe_cast is a plain cast on DuckDB). -#}
    {{ return(adapter.dispatch('try_cast', 'lifecycle_segments')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro postgres__try_cast(expression, data_type) -%}
    {#-
        PostgreSQL has no try_cast and a failed cast stops the query, so the
        text is first checked against the shape and ranges the type accepts
        (case evaluates its branches in order, so the cast only sees text
        that passed).
    -#}
    {%- set kind = _safe_cast_kind(data_type) -%}
    {%- if kind == 'decimal' -%}
        {#- the outer cast keeps the precision and scale, which a case alone drops -#}
        {%- set precision, scale = _decimal_precision_scale(data_type) -%}
        cast(case
            when {{ expression }} ~ '{{ _decimal_text_pattern() }}'
                then case
                    when abs(round(cast({{ expression }} as numeric), {{ scale }})) < 1e{{ precision - scale }}
                        then cast({{ expression }} as {{ data_type }})
                end
        end as {{ data_type }})
    {%- elif kind == 'integer' -%}
        case
            when {{ expression }} ~ '^[+-]?\d{1,18}$' then cast({{ expression }} as {{ data_type }})
        end
    {%- elif kind == 'timestamp' -%}
        case
            when {{ regexp_matches(expression, _iso_timestamp_pattern()) }}
                then cast({{ regexp_replace(expression, '(\\.\\d{6})\\d+', '\\1') }} as {{ data_type }})
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error('try_cast: no safe cast to ' ~ data_type ~ ' on PostgreSQL') }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__try_cast(expression, data_type) -%}
    {#-
        Spark has try_cast, but reads more than the other engines (a time of
        day alone is today, `1_000` is a number): the text must have the same
        shape as on PostgreSQL. Spark has no timestamptz; its timestamp is one.
    -#}
    {%- set kind = _safe_cast_kind(data_type) -%}
    {%- set spark_type = 'timestamp' if data_type | lower | trim in ('timestamptz', 'timestamp with time zone') else data_type -%}
    {%- if kind == 'decimal' -%}
        case
            when {{ regexp_matches(expression, _decimal_text_pattern()) }}
                then try_cast({{ expression }} as {{ spark_type }})
        end
    {%- elif kind == 'timestamp' -%}
        case
            when {{ regexp_matches(expression, _iso_timestamp_pattern()) }}
                then try_cast({{ regexp_replace(expression, '(\\.\\d{6})\\d+', '\\1') }} as {{ spark_type }})
        end
    {%- else -%}
        try_cast({{ expression }} as {{ spark_type }})
    {%- endif -%}
{%- endmacro %}

{% macro _safe_cast_kind(data_type) -%}
    {%- set name = data_type | lower | trim -%}
    {%- if name.startswith(('decimal', 'numeric')) -%}
        {{- return('decimal') -}}
    {%- elif name.startswith(('int', 'bigint', 'smallint')) -%}
        {{- return('integer') -}}
    {%- elif name.startswith('timestamp') -%}
        {{- return('timestamp') -}}
    {%- else -%}
        {{- return('other') -}}
    {%- endif -%}
{%- endmacro %}

{% macro _decimal_precision_scale(data_type) -%}
    {%- set match = modules.re.search('\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)', data_type) -%}
    {%- if match is none -%}
        {{ exceptions.raise_compiler_error('try_cast: ' ~ data_type ~ ' needs a precision and scale') }}
    {%- endif -%}
    {{- return([match.group(1) | int, match.group(2) | int]) -}}
{%- endmacro %}

{% macro _decimal_text_pattern() -%}
    {#- A plain decimal number, optionally with an exponent: what every engine reads alike. -#}
    ^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$
{%- endmacro %}

{% macro _iso_timestamp_pattern() -%}
    {#-
        The timestamp text PostgreSQL and Spark read, checked in one match:
        YYYY-MM-DD (year 0001 on, a day that exists: Feb 29 in leap years
        only), optionally a time of day after T or a space (hour 0-23, seconds
        and fraction optional) and then an offset with no space before it (Z,
        +HH, +HHMM, +HH:MM, up to 15 hours).
    -#}
    ^(?!0000)(?:\d{4}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|1\d|2[0-8])|\d{4}-(?:0?[13-9]|1[0-2])-(?:29|30)|\d{4}-(?:0?[13578]|1[02])-31|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-0?2-29)(?:[T ](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:0\d|1[0-5])(?::?[0-5]\d)?)?)?$
{%- endmacro %}


{% macro double_type() -%}
    {#- An 8-byte float for ratios (dbt.type_float() is 4 bytes on DuckDB). -#}
    {{ return(adapter.dispatch('double_type', 'lifecycle_segments')()) }}
{%- endmacro %}

{% macro default__double_type() -%}
    double
{%- endmacro %}

{% macro postgres__double_type() -%}
    double precision
{%- endmacro %}


{% macro days_between(start_date, end_date) -%}
    {#- Whole days from one date to another (end - start). -#}
    {{ return(adapter.dispatch('days_between', 'lifecycle_segments')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    ({{ end_date }} - {{ start_date }})
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    {#- date - date is an interval on Spark. -#}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}


{% macro sha256_hex(expression) -%}
    {#- The SHA-256 of a text's UTF-8 bytes as 64 lower-case hex digits (ad-platform audiences). -#}
    {{ return(adapter.dispatch('sha256_hex', 'lifecycle_segments')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro postgres__sha256_hex(expression) -%}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}


{% macro local_date_start_utc(date_expression) -%}
    {#- The UTC timestamp at which a local date in `reporting_timezone` begins (inverse of to_local_date). -#}
    {{ return(adapter.dispatch('local_date_start_utc', 'lifecycle_segments')(date_expression, var('reporting_timezone'))) }}
{%- endmacro %}

{% macro default__local_date_start_utc(date_expression, timezone) -%}
    {%- if timezone == 'UTC' -%}
        cast({{ date_expression }} as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast((cast({{ date_expression }} as {{ dbt.type_timestamp() }}) at time zone '{{ timezone }}') at time zone 'UTC' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{% macro spark__local_date_start_utc(date_expression, timezone) -%}
    {%- if timezone == 'UTC' -%}
        cast({{ date_expression }} as {{ dbt.type_timestamp() }})
    {%- else -%}
        to_utc_timestamp(cast({{ date_expression }} as {{ dbt.type_timestamp() }}), '{{ timezone }}')
    {%- endif -%}
{%- endmacro %}


{% macro first_by(values, order_expressions, struct_name='first_row') -%}
    {#-
        Aggregate select-list items: for each alias -> expression of `values`
        (a dict), the expression on the row that sorts first by
        order_expressions (a list, ascending, none null, no ties on the whole
        ordering), without a window over every row (issue 4). Read the results
        with first_by_columns() in the next CTE: on DuckDB they travel as one
        struct `struct_name`, which is several times cheaper than one
        arg_min() per value.
    -#}
    {{ return(adapter.dispatch('first_by', 'lifecycle_segments')(values, order_expressions, struct_name)) }}
{%- endmacro %}

{% macro default__first_by(values, order_expressions, struct_name) -%}
    arg_min(
        struct_pack(
            {%- for alias, expression in values.items() %}
            {{ alias }} := {{ expression }}{{ ',' if not loop.last }}
            {%- endfor %}
        ),
        ({{ order_expressions | join(', ') }})
    ) as {{ struct_name }}
{%- endmacro %}

{% macro postgres__first_by(values, order_expressions, struct_name) -%}
    {%- for alias, expression in values.items() -%}
        (array_agg({{ expression }} order by {{ order_expressions | join(', ') }}))[1] as {{ alias }}
        {{- ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}

{% macro spark__first_by(values, order_expressions, struct_name) -%}
    {%- for alias, expression in values.items() -%}
        min_by({{ expression }}, struct({{ order_expressions | join(', ') }})) as {{ alias }}
        {{- ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}


{% macro first_by_columns(aliases, struct_name='first_row') -%}
    {#- The columns first_by() made, by alias (a list), in a select list. -#}
    {{ return(adapter.dispatch('first_by_columns', 'lifecycle_segments')(aliases, struct_name)) }}
{%- endmacro %}

{% macro default__first_by_columns(aliases, struct_name) -%}
    {%- for alias in aliases -%}
        struct_extract({{ struct_name }}, '{{ alias }}') as {{ alias }}{{ ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}

{% macro postgres__first_by_columns(aliases, struct_name) -%}
    {{ aliases | join(', ') }}
{%- endmacro %}

{% macro spark__first_by_columns(aliases, struct_name) -%}
    {{ aliases | join(', ') }}
{%- endmacro %}


{% macro spark__load_csv_rows(model, agate_table) %}
    {#-
        Overrides dbt-spark's seed loader: with the `session` method it quotes
        each value without escaping it, so a seed text with an apostrophe
        breaks the insert. This one writes escaped literals instead.
    -#}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ _spark_literal(row[loop.index0]) }} as {{ type }}){{ ', ' if not loop.last }}
                {%- endfor -%}
                ){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro _spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is boolean -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}


{% macro row_number_unordered(partition_columns) -%}
    {#-
        Numbers the rows of each partition in no particular order: for keeping
        one row of rows that agree on every column kept. No ORDER BY on DuckDB
        and PostgreSQL (at 100M orders an ordered window ran out of DuckDB's
        memory where this one did not); Spark requires one, so it orders by
        the first partition column, a constant within the partition.
    -#}
    {{ return(adapter.dispatch('row_number_unordered', 'lifecycle_segments')(partition_columns)) }}
{%- endmacro %}

{% macro default__row_number_unordered(partition_columns) -%}
    row_number() over (partition by {{ partition_columns | join(', ') }})
{%- endmacro %}

{% macro spark__row_number_unordered(partition_columns) -%}
    row_number() over (partition by {{ partition_columns | join(', ') }} order by {{ partition_columns[0] }})
{%- endmacro %}


{% macro holdout_bucket(key_expression, salt) -%}
    {#-
        SEGMENTS.md section 11: the first 8 hex digits of the lower-case hex
        MD5 of the UTF-8 text salt || ':' || key, read as an unsigned 32-bit
        number, modulo 100. Each engine reads the 8 digits into a 64-bit
        integer, so the number is never negative (DECISIONLOG D56).
    -#}
    {{ return(adapter.dispatch('holdout_bucket', 'lifecycle_segments')(key_expression, salt)) }}
{%- endmacro %}

{% macro default__holdout_bucket(key_expression, salt) -%}
    cast(cast('0x' || substr(md5('{{ salt | replace("'", "''") }}:' || {{ key_expression }}), 1, 8) as bigint) % 100 as {{ dbt.type_int() }})
{%- endmacro %}

{% macro postgres__holdout_bucket(key_expression, salt) -%}
    {#- 'x' || 16 hex digits as bit(64) reads as a bigint; the 8 leading zeros keep it unsigned. -#}
    cast(cast(cast('x' || lpad(substr(md5('{{ salt | replace("'", "''") }}:' || {{ key_expression }}), 1, 8), 16, '0') as bit(64)) as bigint) % 100 as {{ dbt.type_int() }})
{%- endmacro %}

{% macro spark__holdout_bucket(key_expression, salt) -%}
    {#- conv() reads the hex digits as an unsigned number; Spark literals escape with backslashes. -#}
    cast(cast(conv(substr(md5(concat('{{ salt | replace('\\', '\\\\') | replace("'", "\\'") }}:', {{ key_expression }})), 1, 8), 16, 10) as bigint) % 100 as {{ dbt.type_int() }})
{%- endmacro %}


{% macro lgamma(expression) -%}
    {#-
        ln Γ(x) of a positive double (SEGMENTS.md section 12: the Gamma-Gamma
        fit and the ₂F₁ series). DuckDB has lgamma; PostgreSQL 15 and Spark do
        not, so every other engine gets the series below (DECISIONLOG D73).
        tests/data/assert_lgamma_matches_known_values.sql checks it.
    -#}
    {{ return(adapter.dispatch('lgamma', 'lifecycle_segments')(expression)) }}
{%- endmacro %}

{% macro default__lgamma(expression) -%}
    {#-
        Stirling's series after a shift of 10: ln Γ(x) = ln Γ(x + 10) −
        ln(x (x+1) … (x+9)), and for z = x + 10 >= 10 the series to the z^-7
        term errs by less than 1/(1188 z^9) < 1e-12.
    -#}
    {%- set z = '((' ~ expression ~ ') + 10.0)' -%}
    (
        ({{ z }} - 0.5) * ln({{ z }}) - {{ z }} + 0.91893853320467274178
        + 1.0 / (12.0 * {{ z }})
        - 1.0 / (360.0 * power({{ z }}, 3))
        + 1.0 / (1260.0 * power({{ z }}, 5))
        - 1.0 / (1680.0 * power({{ z }}, 7))
        - ln(
            {%- for shift in range(10) %}
            (({{ expression }}) + {{ shift }}.0){{ ' *' if not loop.last }}
            {%- endfor %}
        )
    )
{%- endmacro %}

{% macro duckdb__lgamma(expression) -%}
    lgamma({{ expression }})
{%- endmacro %}


{% macro double_literal(value) -%}
    {#-
        A Python float as a double in SQL: without the cast PostgreSQL reads
        1e-05 as numeric and Spark reads 1.5 as a decimal.
    -#}
    cast({{ '%.17g' | format(value) }} as {{ double_type() }})
{%- endmacro %}
