{#-
    The raw tables' contract (SEGMENTS.md section 1): every table's columns
    and the type classes each column accepts.
-#}

{% macro raw_contract() %}
    {#- table -> column -> role; a role names the column classes it accepts (raw_role_classes). -#}
    {{- return({
        'customers': {
            'customer_id': 'key',
            'email': 'text',
            'signed_up_at': 'timestamp',
            'accepts_marketing': 'boolean',
            '_loaded_at': 'timestamp',
        },
        'orders': {
            'order_id': 'key',
            'customer_id': 'key',
            'ordered_at': 'timestamp',
            'status': 'text',
            'order_total': 'number',
            'items_quantity': 'number',
            '_loaded_at': 'timestamp',
        },
        'returns': {
            'return_id': 'key',
            'order_id': 'key',
            'returned_at': 'timestamp',
            'returned_quantity': 'number',
            'refund_amount': 'number',
            '_loaded_at': 'timestamp',
        },
        'carts': {
            'cart_id': 'key',
            'customer_id': 'key',
            'created_at': 'timestamp',
            'items_quantity': 'number',
            'cart_value': 'number',
            'converted_order_id': 'key',
            '_loaded_at': 'timestamp',
        },
    }) -}}
{% endmacro %}


{% macro raw_role_classes() %}
    {#- The column classes (column_type_class) each role accepts, with the words a message uses. -#}
    {{- return({
        'key': (['text', 'integer', 'uuid'], 'text, a whole-number type or uuid'),
        'text': (['text'], 'text'),
        'timestamp': (['timestamp', 'timestamptz', 'date', 'text'], 'timestamp, timestamp with time zone, date or text'),
        'number': (['integer', 'decimal', 'float', 'text'], 'a number type or text'),
        'boolean': (['boolean', 'integer', 'text'], 'boolean, a whole-number type (0/1) or text'),
    }) -}}
{% endmacro %}
