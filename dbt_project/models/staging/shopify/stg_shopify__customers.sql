{%- set present = relation_columns(source('shopify', 'customers')) -%}

with

source as (

    select * from {{ source('shopify', 'customers') }}

),

renamed as (

    select
        'shopify' as channel,
        store_id,
        cast(id as varchar) as customer_id,
        {{ email('email') }} as email,
        {{ optional_column(present, 'phone', 'varchar') }},
        {{ optional_column(present, 'first_name', 'varchar') }},
        {{ optional_column(present, 'last_name', 'varchar') }},
        {{ optional_column(present, 'default_address__zip', 'varchar', 'postcode') }},
        {{ optional_column(
            present, 'default_address__country_code', 'varchar', 'country_code'
        ) }},
        {{ optional_column(present, 'default_address__phone', 'varchar', 'address_phone') }},
        {{ utc('created_at') }} as created_at,
        {{ utc('updated_at') }} as updated_at,
        {{ load_stamp() }} as loaded_at_epoch

    from source

)

select * from renamed
