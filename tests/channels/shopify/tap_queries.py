"""Queries as an ETL client (Singer's tap-shopify and the like) sends them: many fields, nested objects.

Written for these tests after the shape of such clients' order, product and inventory streams; they are
not the connector's queries. The contract tests validate them against Shopify's published schema too.
"""

MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"

ADDRESS = """
  id name firstName lastName company address1 address2 city zip province provinceCode country countryCodeV2
  phone latitude longitude formatted formattedArea coordinatesValidated timeZone
"""

ORDERS_BULK = f"""
{{
  orders(query: "updated_at:>='2000-01-01T00:00:00Z'", sortKey: UPDATED_AT) {{
    edges {{
      node {{
        id legacyResourceId name email phone note tags createdAt updatedAt processedAt closedAt cancelledAt
        cancelReason closed confirmed test taxesIncluded taxExempt currencyCode presentmentCurrencyCode
        displayFinancialStatus displayFulfillmentStatus returnStatus sourceName customerLocale confirmationNumber
        paymentGatewayNames fullyPaid unpaid refundable requiresShipping statusPageUrl totalWeight
        subtotalLineItemsQuantity discountCodes poNumber clientIp
        subtotalPriceSet {{ {MONEY} }} totalPriceSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }}
        totalShippingPriceSet {{ {MONEY} }} totalDiscountsSet {{ {MONEY} }} totalRefundedSet {{ {MONEY} }}
        currentTotalPriceSet {{ {MONEY} }} currentSubtotalPriceSet {{ {MONEY} }} totalOutstandingSet {{ {MONEY} }}
        totalReceivedSet {{ {MONEY} }} netPaymentSet {{ {MONEY} }} originalTotalPriceSet {{ {MONEY} }}
        taxLines {{ title rate ratePercentage priceSet {{ {MONEY} }} }}
        customAttributes {{ key value }}
        discountApplications {{
          edges {{
            node {{
              allocationMethod targetSelection targetType index
              value {{ ... on MoneyV2 {{ amount currencyCode }} ... on PricingPercentageValue {{ percentage }} }}
              ... on ManualDiscountApplication {{ title description }}
              ... on DiscountCodeApplication {{ code }}
              ... on AutomaticDiscountApplication {{ title }}
            }}
          }}
        }}
        customer {{
          id legacyResourceId email firstName lastName displayName phone state note tags locale createdAt
          updatedAt numberOfOrders verifiedEmail taxExempt amountSpent {{ amount currencyCode }}
          defaultAddress {{ {ADDRESS} }}
        }}
        billingAddress {{ {ADDRESS} }}
        shippingAddress {{ {ADDRESS} }}
        shippingLine {{ id title code originalPriceSet {{ {MONEY} }} discountedPriceSet {{ {MONEY} }} }}
        fulfillments {{
          id legacyResourceId name status displayStatus createdAt updatedAt totalQuantity
          trackingInfo {{ company number url }}
          location {{ id name }}
        }}
        refunds {{
          id legacyResourceId note createdAt updatedAt totalRefundedSet {{ {MONEY} }}
        }}
        transactions {{
          id kind status gateway formattedGateway test processedAt createdAt manualPaymentGateway
          amountSet {{ {MONEY} }}
        }}
        lineItems {{
          edges {{
            node {{
              id name title sku vendor quantity currentQuantity refundableQuantity unfulfilledQuantity
              nonFulfillableQuantity variantTitle requiresShipping taxable isGiftCard
              originalUnitPriceSet {{ {MONEY} }} originalTotalSet {{ {MONEY} }}
              discountedUnitPriceSet {{ {MONEY} }} discountedTotalSet {{ {MONEY} }} totalDiscountSet {{ {MONEY} }}
              taxLines {{ title rate ratePercentage priceSet {{ {MONEY} }} }}
              discountAllocations {{
                allocatedAmountSet {{ {MONEY} }}
                discountApplication {{ __typename allocationMethod ... on ManualDiscountApplication {{ title }} }}
              }}
              customAttributes {{ key value }}
              variant {{ id legacyResourceId sku barcode title price displayName inventoryQuantity }}
              product {{ id legacyResourceId title handle vendor productType status }}
            }}
          }}
        }}
        fulfillmentOrders {{
          edges {{
            node {{
              id status requestStatus orderId orderName createdAt updatedAt
              assignedLocation {{ name city countryCode location {{ id }} }}
              destination {{ id firstName lastName address1 city zip countryCode email }}
              supportedActions {{ action }}
            }}
          }}
        }}
      }}
    }}
  }}
}}
"""

PRODUCTS = """
query Products($first: Int!, $after: String) {
  products(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id legacyResourceId title handle vendor productType status tags createdAt updatedAt publishedAt
      description descriptionHtml totalInventory tracksInventory hasOnlyDefaultVariant hasOutOfStockVariants
      isGiftCard onlineStoreUrl
      options { id name position values }
      priceRangeV2 { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
      seo { title description }
      variantsCount { count precision }
      variants(first: 10) {
        nodes {
          id legacyResourceId title sku barcode price compareAtPrice position displayName createdAt updatedAt
          inventoryQuantity availableForSale sellableOnlineQuantity inventoryPolicy taxable
          selectedOptions { name value }
          inventoryItem {
            id legacyResourceId sku tracked requiresShipping countryCodeOfOrigin harmonizedSystemCode
            createdAt updatedAt unitCost { amount currencyCode }
            measurement { weight { unit value } }
            inventoryLevels(first: 5) {
              nodes {
                id createdAt updatedAt
                location { id name }
                quantities(names: ["available", "on_hand", "committed"]) { name quantity }
              }
            }
          }
        }
      }
    }
  }
}
"""

LOCATION = """
query Location($id: ID!) {
  location(id: $id) {
    id legacyResourceId name isActive fulfillsOnlineOrders shipsInventory hasActiveInventory createdAt
    address { address1 city zip country countryCode province provinceCode latitude longitude formatted }
  }
}
"""

VARIANTS = """
query Variants($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { id legacyResourceId sku price displayName createdAt updatedAt inventoryQuantity product { id title } }
  }
}
"""

INVENTORY_ITEMS = """
query InventoryItems($first: Int!, $after: String, $query: String) {
  inventoryItems(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku tracked createdAt updatedAt unitCost { amount currencyCode } variant { id sku } }
  }
}
"""

CUSTOMERS = """
query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { id email displayName createdAt updatedAt numberOfOrders amountSpent { amount currencyCode } }
  }
}
"""

LOCATIONS = """
query Locations($first: Int!) {
  locations(first: $first) { nodes { id name isActive address { city country } } }
}
"""

LOOKUPS = """
query Lookups($customer: ID!, $variant: ID!, $item: ID!, $fulfillmentOrder: ID!) {
  customer(id: $customer) { id displayName }
  productVariant(id: $variant) { id sku }
  inventoryItem(id: $item) { id sku }
  fulfillmentOrder(id: $fulfillmentOrder) { id orderName }
}
"""
