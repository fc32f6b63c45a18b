{#-
    Hashes: the SHA-256 of a text (sync) and the MD5 holdout bucket
    (SEGMENTS.md section 11).
-#}

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
