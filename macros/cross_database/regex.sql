{#-
    Regular expressions on every engine: a match test and a replacement, from
    one pattern syntax (RE2/PostgreSQL) that Spark's Java patterns are
    rewritten from.
-#}

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
