{#-
    Fivetran's `customer` table in the shape of the contract's raw `customers`
    table (SEGMENTS.md section 1): one row per connector row; cleaning and
    rejection happen in stg_shop__customers, as for the contract shape.
-#}

{{ config(enabled=var('raw_source', 'contract') == 'shopify_fivetran') }}


{%- set customer_table = source('shopify', 'customer') -%}
{%- set consent_state = shopify_column_or(customer_table, 'email_marketing_consent_state', 'null') -%}
{%- set legacy_consent = shopify_column_or(customer_table, 'accepts_marketing', 'null') -%}
{%- set is_deleted = shopify_column_or(customer_table, '_fivetran_deleted', 'false') -%}

with

shopify_customers as (

    select * from {{ customer_table }}

),

mapped as (

    select
        cast(id as {{ dbt.type_string() }}) as customer_id,
        case when not coalesce({{ is_deleted }}, false) then email end as email,
        created_at as signed_up_at,
        case
            when coalesce({{ is_deleted }}, false) then false
            when {{ consent_state }} is not null
                then lower(trim(cast({{ consent_state }} as {{ dbt.type_string() }}))) = 'subscribed'
            else cast({{ legacy_consent }} as {{ dbt.type_boolean() }})
        end as accepts_marketing,
        _fivetran_synced as _loaded_at

    from shopify_customers

)

select * from mapped
