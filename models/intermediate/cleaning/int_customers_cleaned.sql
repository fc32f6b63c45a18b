with

customers as (

    select * from {{ ref('int_customers_versioned') }}

),

cleaned as (

    select
        customer_id,
        email,
        accepts_marketing,
        signed_up_at

    from customers
    where not is_superseded and rejection_reason is null

)

select * from cleaned
