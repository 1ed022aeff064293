/**
 * Generated from docs/openapi.json by `npm run docs:api` (openapi-typescript). Do not edit.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process serves and its database answers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                            version: string;
                            database: string;
                            /**
                             * @description not_configured: STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET is not set, nobody can buy
                             * @enum {string}
                             */
                            payments: "configured" | "not_configured";
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "unavailable";
                            version: string;
                            database: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (operator) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/packs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The credit packs on sale */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name?: string;
                                priceCents: number;
                                /** @enum {string} */
                                currency: "usd";
                                credits: number;
                                bonusCredits: number;
                                bonusPercent: number;
                            }[];
                            /** @description false while this service takes no payments (Stripe not set up) */
                            purchasable: boolean;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pricing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What each operation costs, in credits (only the image operations this service offers) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            currency: "usd";
                            creditPriceCents: number;
                            minTopUpCents: number;
                            tokenizer: string;
                            operations: {
                                operation: string;
                                unit: string;
                                /** @description Credits per unit */
                                credits: number;
                                description: string;
                                /** @description A price on top of this one: 2K output of a generated image */
                                surcharge?: {
                                    /** @enum {string} */
                                    size: "2K";
                                    /** @description Percent added to the price */
                                    percent: number;
                                    /** @description Credits per unit with the surcharge */
                                    credits: number;
                                };
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/balance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account's balance */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            reservedCredits: number;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every movement of credits, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description `nextCursor` of the previous page */
                    cursor?: string;
                    /** @description Only these entry types, comma-separated (e.g. usage,refund) */
                    type?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @enum {string} */
                                type: "purchase" | "bonus" | "grant" | "adjustment" | "usage" | "hold" | "release" | "refund";
                                /** @description Signed settled change: the entries sum to credits + reservedCredits */
                                credits: number;
                                /** @description Signed change to the reserved part (holds and their settlement) */
                                heldCredits: number;
                                /** @description credits + reservedCredits after this entry */
                                balanceAfter: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                reservedAfter: number;
                                operation: string | null;
                                /** @description What was measured: tokens, images, pixels, model… */
                                quantity: {
                                    [key: string]: unknown;
                                } | null;
                                reference: string | null;
                                holdId: string | null;
                                requestId: string | null;
                                reason: string | null;
                                createdAt: string;
                                /** @description The entry in words, for people ("Indexed handbook.pdf — 36 pages, 17,729 tokens"); names are looked up when read */
                                description: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ledger/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The whole ledger as CSV, newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Credits used per day and operation (UTC days, `to` inclusive; default the last 30 days) */
        get: {
            parameters: {
                query?: {
                    from?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            from: string;
                            to: string;
                            data: {
                                date: string;
                                operation: string;
                                count: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                            }[];
                            totals: {
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                                byOperation: {
                                    [key: string]: number;
                                };
                            };
                            /** @description Credits used per site and API key over the range (both null: the owner's licence key or work outside a request); a site's key sees its own site's only */
                            bySpender: {
                                siteId: string | null;
                                keyId: string | null;
                                count: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/quotes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Price an operation without running it
         * @description JSON names the operation and what it needs. To price indexing a file, send it as multipart/form-data in `file` (any format a knowledge base accepts): it is read and its tokens counted exactly as an upload would, and nothing is stored.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        operation: "training.embed";
                        /** @description Text to be indexed; its tokens are counted exactly */
                        text?: string;
                        /** @description The name it will be uploaded under: .md, .html and .csv texts are read as such, as on upload */
                        name?: string;
                        /** @description A token count, when the text is not sent */
                        tokens?: number;
                    } | {
                        /** @enum {string} */
                        operation: "training.query";
                    } | {
                        /** @enum {string} */
                        operation: "images.generate";
                        /**
                         * @default standard
                         * @enum {string}
                         */
                        quality?: "fast" | "standard" | "ultra";
                        /** @default 1 */
                        count?: number;
                        /**
                         * @default 1K
                         * @enum {string}
                         */
                        size?: "1K" | "2K";
                    } | {
                        /** @enum {string} */
                        operation: "images.edit";
                        /**
                         * @default standard
                         * @enum {string}
                         */
                        quality?: "fast" | "standard" | "ultra";
                        /** @default 1 */
                        count?: number;
                        /** @default 1024 */
                        width?: number;
                        /** @default 1024 */
                        height?: number;
                    } | {
                        /** @enum {string} */
                        operation: "images.upscale";
                        factor: 2 | 4;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            operation: string;
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                            quantity: {
                                [key: string]: unknown;
                            };
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/spend-limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account's spend limits with what each has used this period */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @description the site it caps; null with keyId null: the whole account */
                                siteId: string | null;
                                /** @description the API key it caps */
                                keyId: string | null;
                                /** @description the most that may be spent per period */
                                credits: number;
                                /**
                                 * @description UTC day, ISO week from Monday 00:00 UTC, calendar month, or total
                                 * @enum {string}
                                 */
                                period: "day" | "week" | "month" | "total";
                                /** @description spent in the current period, plus what operations in flight hold */
                                usedCredits: number;
                                /** @description when the current period ends; null for `total`, which never resets */
                                resetsAt: string | null;
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Cap what a site, an API key or (neither given) the whole account may spend per period */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        siteId?: string;
                        keyId?: string;
                        credits: number;
                        /** @enum {string} */
                        period: "day" | "week" | "month" | "total";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description the site it caps; null with keyId null: the whole account */
                            siteId: string | null;
                            /** @description the API key it caps */
                            keyId: string | null;
                            /** @description the most that may be spent per period */
                            credits: number;
                            /**
                             * @description UTC day, ISO week from Monday 00:00 UTC, calendar month, or total
                             * @enum {string}
                             */
                            period: "day" | "week" | "month" | "total";
                            /** @description spent in the current period, plus what operations in flight hold */
                            usedCredits: number;
                            /** @description when the current period ends; null for `total`, which never resets */
                            resetsAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/spend-limits/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One spend limit with what it has used this period */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description the site it caps; null with keyId null: the whole account */
                            siteId: string | null;
                            /** @description the API key it caps */
                            keyId: string | null;
                            /** @description the most that may be spent per period */
                            credits: number;
                            /**
                             * @description UTC day, ISO week from Monday 00:00 UTC, calendar month, or total
                             * @enum {string}
                             */
                            period: "day" | "week" | "month" | "total";
                            /** @description spent in the current period, plus what operations in flight hold */
                            usedCredits: number;
                            /** @description when the current period ends; null for `total`, which never resets */
                            resetsAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Remove a spend limit */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @enum {boolean} */
                            deleted: true;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/spend-limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's spend limits with what each has used this period */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @description the site it caps; null with keyId null: the whole account */
                                siteId: string | null;
                                /** @description the API key it caps */
                                keyId: string | null;
                                /** @description the most that may be spent per period */
                                credits: number;
                                /**
                                 * @description UTC day, ISO week from Monday 00:00 UTC, calendar month, or total
                                 * @enum {string}
                                 */
                                period: "day" | "week" | "month" | "total";
                                /** @description spent in the current period, plus what operations in flight hold */
                                usedCredits: number;
                                /** @description when the current period ends; null for `total`, which never resets */
                                resetsAt: string | null;
                                createdAt: string;
                                /** @description what it caps, in words: "site shop.example.com", "API key “Shop”" */
                                appliesTo: string;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/spend-limits/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change how many credits one of an account's spend limits allows (on the customer's behalf)
         * @description What the period has used is kept, so a raised limit lets the next spend through at once. The limit is the customer's own: the change is recorded with its reason, and the customer sees both (`GET /v1/operator-changes`, and the dashboard).
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        credits: number;
                        /** @description Why the operator made the change, e.g. the support ticket; the customer sees it */
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description the site it caps; null with keyId null: the whole account */
                            siteId: string | null;
                            /** @description the API key it caps */
                            keyId: string | null;
                            /** @description the most that may be spent per period */
                            credits: number;
                            /**
                             * @description UTC day, ISO week from Monday 00:00 UTC, calendar month, or total
                             * @enum {string}
                             */
                            period: "day" | "week" | "month" | "total";
                            /** @description spent in the current period, plus what operations in flight hold */
                            usedCredits: number;
                            /** @description when the current period ends; null for `total`, which never resets */
                            resetsAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/admin/pricing": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The prices in force */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            pricing: {
                                /** @enum {string} */
                                currency: "usd";
                                creditsPerDollar: number;
                                minTopUpCents: number;
                                maxTopUpCents: number;
                                packs: {
                                    id: string;
                                    priceCents: number;
                                    credits: number;
                                    bonusCredits: number;
                                    name?: string;
                                }[];
                                costs: {
                                    embedMcPerToken: number;
                                    queryCredits: number;
                                    generate: {
                                        fast: number;
                                        standard: number;
                                        ultra: number;
                                    };
                                    generate2kSurchargePercent: number;
                                    edit: {
                                        upTo1MP: number;
                                        larger: number;
                                    };
                                    upscale: {
                                        x2: number;
                                        x4: number;
                                    };
                                };
                            };
                            /** @enum {string} */
                            source: "operator" | "configuration";
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /** Change packs and operation costs; takes effect at once (checkouts already started keep their price) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        currency: "usd";
                        creditsPerDollar: number;
                        minTopUpCents: number;
                        maxTopUpCents: number;
                        packs: {
                            id: string;
                            priceCents: number;
                            credits: number;
                            bonusCredits: number;
                            name?: string;
                        }[];
                        costs: {
                            embedMcPerToken: number;
                            queryCredits: number;
                            generate: {
                                fast: number;
                                standard: number;
                                ultra: number;
                            };
                            generate2kSurchargePercent: number;
                            edit: {
                                upTo1MP: number;
                                larger: number;
                            };
                            upscale: {
                                x2: number;
                                x4: number;
                            };
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            pricing: {
                                /** @enum {string} */
                                currency: "usd";
                                creditsPerDollar: number;
                                minTopUpCents: number;
                                maxTopUpCents: number;
                                packs: {
                                    id: string;
                                    priceCents: number;
                                    credits: number;
                                    bonusCredits: number;
                                    name?: string;
                                }[];
                                costs: {
                                    embedMcPerToken: number;
                                    queryCredits: number;
                                    generate: {
                                        fast: number;
                                        standard: number;
                                        ultra: number;
                                    };
                                    generate2kSurchargePercent: number;
                                    edit: {
                                        upTo1MP: number;
                                        larger: number;
                                    };
                                    upscale: {
                                        x2: number;
                                        x4: number;
                                    };
                                };
                            };
                            /** @enum {string} */
                            source: "operator" | "configuration";
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Return to the configured prices (CONFIG_FILE or defaults) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            pricing: {
                                /** @enum {string} */
                                currency: "usd";
                                creditsPerDollar: number;
                                minTopUpCents: number;
                                maxTopUpCents: number;
                                packs: {
                                    id: string;
                                    priceCents: number;
                                    credits: number;
                                    bonusCredits: number;
                                    name?: string;
                                }[];
                                costs: {
                                    embedMcPerToken: number;
                                    queryCredits: number;
                                    generate: {
                                        fast: number;
                                        standard: number;
                                        ultra: number;
                                    };
                                    generate2kSurchargePercent: number;
                                    edit: {
                                        upTo1MP: number;
                                        larger: number;
                                    };
                                    upscale: {
                                        x2: number;
                                        x4: number;
                                    };
                                };
                            };
                            /** @enum {string} */
                            source: "operator" | "configuration";
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Grant credits, or adjust them down with a negative amount (never below zero) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        credits: number;
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @enum {string} */
                            type: "purchase" | "bonus" | "grant" | "adjustment" | "usage" | "hold" | "release" | "refund";
                            /** @description Signed settled change: the entries sum to credits + reservedCredits */
                            credits: number;
                            /** @description Signed change to the reserved part (holds and their settlement) */
                            heldCredits: number;
                            /** @description credits + reservedCredits after this entry */
                            balanceAfter: number;
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            reservedAfter: number;
                            operation: string | null;
                            /** @description What was measured: tokens, images, pixels, model… */
                            quantity: {
                                [key: string]: unknown;
                            } | null;
                            reference: string | null;
                            holdId: string | null;
                            requestId: string | null;
                            reason: string | null;
                            createdAt: string;
                            /** @description The entry in words, for people ("Indexed handbook.pdf — 36 pages, 17,729 tokens"); names are looked up when read */
                            description: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/ledger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A customer's ledger, newest first (every entry, as the customer's GET /v1/ledger) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description `nextCursor` of the previous page */
                    cursor?: string;
                };
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @enum {string} */
                                type: "purchase" | "bonus" | "grant" | "adjustment" | "usage" | "hold" | "release" | "refund";
                                /** @description Signed settled change: the entries sum to credits + reservedCredits */
                                credits: number;
                                /** @description Signed change to the reserved part (holds and their settlement) */
                                heldCredits: number;
                                /** @description credits + reservedCredits after this entry */
                                balanceAfter: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                reservedAfter: number;
                                operation: string | null;
                                /** @description What was measured: tokens, images, pixels, model… */
                                quantity: {
                                    [key: string]: unknown;
                                } | null;
                                reference: string | null;
                                holdId: string | null;
                                requestId: string | null;
                                reason: string | null;
                                createdAt: string;
                                /** @description The entry in words, for people ("Indexed handbook.pdf — 36 pages, 17,729 tokens"); names are looked up when read */
                                description: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A customer's credits used per UTC day and operation (default the last 30 days) */
        get: {
            parameters: {
                query?: {
                    days?: number;
                };
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            from: string;
                            to: string;
                            data: {
                                date: string;
                                operation: string;
                                count: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                            }[];
                            totals: {
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                                byOperation: {
                                    [key: string]: number;
                                };
                            };
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/licenses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Licences, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    accountId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                accountId: string;
                                email: string;
                                /** @enum {string} */
                                plan: "personal" | "agency";
                                /** @enum {string} */
                                status: "active" | "revoked" | "expired";
                                expiresAt: string | null;
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Issue a licence (the account is created, or found by email); the key is shown once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        /** @enum {string} */
                        plan: "personal" | "agency";
                        /**
                         * Format: date-time
                         * @description ISO 8601 date-time
                         */
                        expiresAt?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            accountId: string;
                            email: string;
                            /** @enum {string} */
                            plan: "personal" | "agency";
                            /** @enum {string} */
                            status: "active" | "revoked" | "expired";
                            expiresAt: string | null;
                            createdAt: string;
                            key: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/licenses/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            accountId: string;
                            email: string;
                            /** @enum {string} */
                            plan: "personal" | "agency";
                            /** @enum {string} */
                            status: "active" | "revoked" | "expired";
                            expiresAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Revoke, expire or reactivate a licence, change its plan or expiry */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status?: "active" | "revoked" | "expired";
                        /** @enum {string} */
                        plan?: "personal" | "agency";
                        expiresAt?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            accountId: string;
                            email: string;
                            /** @enum {string} */
                            plan: "personal" | "agency";
                            /** @enum {string} */
                            status: "active" | "revoked" | "expired";
                            expiresAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/admin/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accounts, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    email?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                email: string;
                                licenses: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                reservedCredits: number;
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            email: string;
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            reservedCredits: number;
                            createdAt: string;
                            licenses: {
                                id: string;
                                accountId: string;
                                email: string;
                                /** @enum {string} */
                                plan: "personal" | "agency";
                                /** @enum {string} */
                                status: "active" | "revoked" | "expired";
                                expiresAt: string | null;
                                createdAt: string;
                            }[];
                            /** @description every site the account activated, deactivated ones too */
                            sites: {
                                id: string;
                                url: string;
                                licenseId: string;
                                createdAt: string;
                                /** @description when it was deactivated (its keys were revoked then); null: active */
                                deactivatedAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Sites of the account (for a site's key, that site): the scopes resources can be restricted to */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                url: string;
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** API keys of the account (of this site, for a site's key) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                siteId: string | null;
                                createdAt: string;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an API key (shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        siteId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            key: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @enum {boolean} */
                            revoked: true;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Activate a licence on a site with its key or a one-time activation code; returns the site's API key (shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        licenseKey?: string;
                        /** @description a one-time activation code instead of the licence key */
                        code?: string;
                        siteUrl: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            siteId: string;
                            apiKey: string;
                            keyId: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activation-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account's activation codes, newest first (owner only; never the codes themselves) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @description the only site the code activates, when the owner named one */
                                siteUrl: string | null;
                                /** @enum {string} */
                                status: "active" | "used" | "expired" | "revoked";
                                createdAt: string;
                                expiresAt: string;
                                usedAt: string | null;
                                usedSiteId: string | null;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a one-time activation code for a site (owner only; the code is shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description restrict the code to this site */
                        siteUrl?: string;
                        /** @default 7 */
                        expiresInDays?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description the only site the code activates, when the owner named one */
                            siteUrl: string | null;
                            /** @enum {string} */
                            status: "active" | "used" | "expired" | "revoked";
                            createdAt: string;
                            expiresAt: string;
                            usedAt: string | null;
                            usedSiteId: string | null;
                            code: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/activation-codes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an unused activation code (owner only) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description the only site the code activates, when the owner named one */
                            siteUrl: string | null;
                            /** @enum {string} */
                            status: "active" | "used" | "expired" | "revoked";
                            createdAt: string;
                            expiresAt: string;
                            usedAt: string | null;
                            usedSiteId: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/site": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's plan, for a site's key its site, and whether the balance is below the low-balance alert */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            site: {
                                id: string;
                                url: string;
                                createdAt: string;
                            } | null;
                            license: {
                                /** @enum {string} */
                                plan: "personal" | "agency";
                                /** @enum {string} */
                                status: "active" | "revoked" | "expired";
                                expiresAt: string | null;
                                siteLimit: number;
                                sitesUsed: number;
                            };
                            /** @description the balance is below the owner's low-balance alert threshold (the threshold itself is the owner's) */
                            lowBalance: boolean;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sites/{id}/deactivate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deactivate a site (owner only): frees its activation slot and revokes its API keys at once; its resources stay */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            licenseId: string;
                            createdAt: string;
                            /** @description when it was deactivated (its keys were revoked then); null: active */
                            deactivatedAt: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/license/rotate-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the licence key (owner only; shown once): the old key is refused at once and the sessions signed in with it end */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            licenseId: string;
                            /** @description the new licence key, shown once; the old one is refused from now on */
                            key: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/sites/{id}/deactivate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deactivate a customer's site: frees its activation slot and revokes its API keys at once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            licenseId: string;
                            createdAt: string;
                            /** @description when it was deactivated (its keys were revoked then); null: active */
                            deactivatedAt: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/licenses/{id}/rotate-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace a licence's key (shown once): the old key is refused at once, its sessions end */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            licenseId: string;
                            /** @description the new licence key, shown once; the old one is refused from now on */
                            key: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/rate-limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The request rates set on an account's API keys and licences (the others follow the default) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description RATE_LIMIT_RPS / RATE_LIMIT_BURST; null: not limited by default */
                            default: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            data: {
                                /** @enum {string} */
                                kind: "api_key" | "license";
                                id: string;
                                /** @description the API key's name; null for a licence */
                                name: string | null;
                                /** @description the API key no longer works */
                                revoked: boolean;
                                override: {
                                    /** @description requests per second on average (0.5: one every 2 s) */
                                    rps: number;
                                    /** @description requests allowed at once after a quiet spell */
                                    burst: number;
                                };
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/api-keys/{id}/rate-limit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The request rate of one API key */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A `key_…` id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description this key's own rate; null: the default applies */
                            override: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description RATE_LIMIT_RPS / RATE_LIMIT_BURST; null: not limited by default */
                            default: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description the rate in force; null: not limited */
                            effective: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Set the request rate of one API key; null returns it to the default
         * @description Requests over the rate are refused with 429 `RATE_LIMITED` and `Retry-After` before anything runs. The change applies at once on this process and within 5 s on the others.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A `key_…` id */
                    id: string;
                };
                cookie?: never;
            };
            /** @description the rate, or null to return to the default */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description requests per second on average (0.5: one every 2 s) */
                        rps: number;
                        /** @description requests allowed at once after a quiet spell */
                        burst: number;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description this key's own rate; null: the default applies */
                            override: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description RATE_LIMIT_RPS / RATE_LIMIT_BURST; null: not limited by default */
                            default: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description the rate in force; null: not limited */
                            effective: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Return one API key to the default request rate */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A `key_…` id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description this key's own rate; null: the default applies */
                            override: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description RATE_LIMIT_RPS / RATE_LIMIT_BURST; null: not limited by default */
                            default: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description the rate in force; null: not limited */
                            effective: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/licenses/{id}/rate-limit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The request rate of one licence */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A `lic_…` id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description this key's own rate; null: the default applies */
                            override: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description RATE_LIMIT_RPS / RATE_LIMIT_BURST; null: not limited by default */
                            default: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description the rate in force; null: not limited */
                            effective: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Set the request rate of one licence; null returns it to the default
         * @description Requests over the rate are refused with 429 `RATE_LIMITED` and `Retry-After` before anything runs. The change applies at once on this process and within 5 s on the others.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A `lic_…` id */
                    id: string;
                };
                cookie?: never;
            };
            /** @description the rate, or null to return to the default */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description requests per second on average (0.5: one every 2 s) */
                        rps: number;
                        /** @description requests allowed at once after a quiet spell */
                        burst: number;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description this key's own rate; null: the default applies */
                            override: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description RATE_LIMIT_RPS / RATE_LIMIT_BURST; null: not limited by default */
                            default: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description the rate in force; null: not limited */
                            effective: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Return one licence to the default request rate */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A `lic_…` id */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description this key's own rate; null: the default applies */
                            override: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description RATE_LIMIT_RPS / RATE_LIMIT_BURST; null: not limited by default */
                            default: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                            /** @description the rate in force; null: not limited */
                            effective: {
                                /** @description requests per second on average (0.5: one every 2 s) */
                                rps: number;
                                /** @description requests allowed at once after a quiet spell */
                                burst: number;
                            } | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/knowledge-bases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Knowledge bases */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                /** @description the site it is restricted to; null: shared by every site of the account */
                                siteId: string | null;
                                description: string | null;
                                documentCount: number;
                                embeddingModel: string;
                                chunking: {
                                    chunkTokens: number;
                                    overlapTokens: number;
                                };
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a knowledge base */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        description?: string;
                        chunking?: {
                            chunkTokens?: number;
                            overlapTokens?: number;
                        };
                        /** @description owner only: restrict it to one site of the account (default null: every site); a site's key always creates its own site's */
                        siteId?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            /** @description the site it is restricted to; null: shared by every site of the account */
                            siteId: string | null;
                            description: string | null;
                            documentCount: number;
                            embeddingModel: string;
                            chunking: {
                                chunkTokens: number;
                                overlapTokens: number;
                            };
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/knowledge-bases/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            /** @description the site it is restricted to; null: shared by every site of the account */
                            siteId: string | null;
                            description: string | null;
                            documentCount: number;
                            embeddingModel: string;
                            chunking: {
                                chunkTokens: number;
                                overlapTokens: number;
                            };
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a knowledge base and everything in it, permanently (free) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deleted: {
                                knowledgeBases: number;
                                documents: number;
                                chunks: number;
                                files: number;
                                bytes: number;
                                storedReplies: number;
                            };
                            /**
                             * @description Deletion is free
                             * @enum {number}
                             */
                            credits: 0;
                            completedAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a knowledge base, or (owner only) change which sites may use it */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        /** @description the site it is restricted to; null: shared by every site of the account */
                        siteId?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            /** @description the site it is restricted to; null: shared by every site of the account */
                            siteId: string | null;
                            description: string | null;
                            documentCount: number;
                            embeddingModel: string;
                            chunking: {
                                chunkTokens: number;
                                overlapTokens: number;
                            };
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/knowledge-bases/{id}/documents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Documents of a knowledge base, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                knowledgeBaseId: string;
                                name: string;
                                /** @enum {string} */
                                source: "file" | "text" | "url";
                                sourceUrl: string | null;
                                mimeType: string | null;
                                /** @enum {string} */
                                status: "queued" | "processing" | "ready" | "failed";
                                /** @description 0 to 1 */
                                progress: number;
                                pages: number | null;
                                /** @description o200k_base tokens of the extracted text: what indexing costs, in mc */
                                tokens: number | null;
                                /** @description Credits charged for indexing this document */
                                credits: number;
                                chunks: number | null;
                                duplicateOf: string | null;
                                metadata: {
                                    [key: string]: string | number | boolean;
                                };
                                error: {
                                    code: string;
                                    message: string;
                                } | null;
                                createdAt: string;
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Add a document: a multipart `file` (PDF, text, Markdown, HTML, .docx, CSV), JSON text, or a website
         * @description Send multipart/form-data with the file in `file` (optional fields: `name`, `metadata` as JSON), or JSON `{text, name}`, or JSON `{url, maxPages?, maxDepth?}` to crawl a site. Small documents are indexed within the request (201); large ones and websites are queued (202) — poll the document. Identical content already in the knowledge base is not indexed or charged again (200, the existing document). Headings (Markdown, HTML, Word, and a plain text's title: a short first line followed by a blank line) are indexed with the text under them and returned as `heading` in query results. Control characters in a file's extracted text (U+0000 included, which a PDF's text layer may hold) are dropped; a NUL byte in the first 8 KiB of a text file marks it as binary (415 `UNSUPPORTED_FILE_TYPE`).
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        text: string;
                        name: string;
                        /** @description Your own fields, copied onto every passage so queries can filter on them */
                        metadata?: {
                            [key: string]: string | number | boolean;
                        };
                    } | {
                        url: string;
                        name?: string;
                        /** @default 50 */
                        maxPages?: number;
                        /** @default 3 */
                        maxDepth?: number;
                        /** @description Your own fields, copied onto every passage so queries can filter on them */
                        metadata?: {
                            [key: string]: string | number | boolean;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            knowledgeBaseId: string;
                            name: string;
                            /** @enum {string} */
                            source: "file" | "text" | "url";
                            sourceUrl: string | null;
                            mimeType: string | null;
                            /** @enum {string} */
                            status: "queued" | "processing" | "ready" | "failed";
                            /** @description 0 to 1 */
                            progress: number;
                            pages: number | null;
                            /** @description o200k_base tokens of the extracted text: what indexing costs, in mc */
                            tokens: number | null;
                            /** @description Credits charged for indexing this document */
                            credits: number;
                            chunks: number | null;
                            duplicateOf: string | null;
                            metadata: {
                                [key: string]: string | number | boolean;
                            };
                            error: {
                                code: string;
                                message: string;
                            } | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            knowledgeBaseId: string;
                            name: string;
                            /** @enum {string} */
                            source: "file" | "text" | "url";
                            sourceUrl: string | null;
                            mimeType: string | null;
                            /** @enum {string} */
                            status: "queued" | "processing" | "ready" | "failed";
                            /** @description 0 to 1 */
                            progress: number;
                            pages: number | null;
                            /** @description o200k_base tokens of the extracted text: what indexing costs, in mc */
                            tokens: number | null;
                            /** @description Credits charged for indexing this document */
                            credits: number;
                            chunks: number | null;
                            duplicateOf: string | null;
                            metadata: {
                                [key: string]: string | number | boolean;
                            };
                            error: {
                                code: string;
                                message: string;
                            } | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            knowledgeBaseId: string;
                            name: string;
                            /** @enum {string} */
                            source: "file" | "text" | "url";
                            sourceUrl: string | null;
                            mimeType: string | null;
                            /** @enum {string} */
                            status: "queued" | "processing" | "ready" | "failed";
                            /** @description 0 to 1 */
                            progress: number;
                            pages: number | null;
                            /** @description o200k_base tokens of the extracted text: what indexing costs, in mc */
                            tokens: number | null;
                            /** @description Credits charged for indexing this document */
                            credits: number;
                            chunks: number | null;
                            duplicateOf: string | null;
                            metadata: {
                                [key: string]: string | number | boolean;
                            };
                            error: {
                                code: string;
                                message: string;
                            } | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/knowledge-bases/{id}/documents/{docId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    docId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            knowledgeBaseId: string;
                            name: string;
                            /** @enum {string} */
                            source: "file" | "text" | "url";
                            sourceUrl: string | null;
                            mimeType: string | null;
                            /** @enum {string} */
                            status: "queued" | "processing" | "ready" | "failed";
                            /** @description 0 to 1 */
                            progress: number;
                            pages: number | null;
                            /** @description o200k_base tokens of the extracted text: what indexing costs, in mc */
                            tokens: number | null;
                            /** @description Credits charged for indexing this document */
                            credits: number;
                            chunks: number | null;
                            duplicateOf: string | null;
                            metadata: {
                                [key: string]: string | number | boolean;
                            };
                            error: {
                                code: string;
                                message: string;
                            } | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a document permanently (free) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    docId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deleted: {
                                knowledgeBases: number;
                                documents: number;
                                chunks: number;
                                files: number;
                                bytes: number;
                                storedReplies: number;
                            };
                            /**
                             * @description Deletion is free
                             * @enum {number}
                             */
                            credits: 0;
                            completedAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/knowledge-bases/{id}/query": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Search a knowledge base (1 credit)
         * @description Semantic and hybrid searches wait for the embedding model. When it cannot embed the query within the configured wait (EMBEDDING_QUERY_MAX_WAIT_MS, local model), the search is refused at once and nothing is charged: 503 `SERVICE_UNAVAILABLE`, or 429 `RATE_LIMITED` when this account holds more than its share of the queue; both carry `Retry-After` (seconds) and `retryAfterSeconds`. Accounts are served in turn, each account's searches in arrival order. A search without `Idempotency-Key` whose client closes the connection before the answer is stopped and not charged (its hold is released); with a key it runs to completion and a retry with the same key gets its reply.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        query: string;
                        /** @default 5 */
                        topK?: number;
                        /**
                         * @default hybrid
                         * @enum {string}
                         */
                        mode?: "hybrid" | "semantic" | "keyword";
                        filter?: {
                            documentIds?: string[];
                            metadata?: {
                                [key: string]: string | number | boolean;
                            };
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            results: {
                                documentId: string;
                                documentName: string;
                                text: string;
                                score: number;
                                page?: number;
                                position: number;
                                heading?: string;
                                url?: string;
                            }[];
                            /**
                             * @description The mode used
                             * @enum {string}
                             */
                            mode: "hybrid" | "semantic" | "keyword";
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images/generations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Generate images from a prompt (charged per image returned) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        prompt: string;
                        negativePrompt?: string;
                        /**
                         * @default standard
                         * @enum {string}
                         */
                        quality?: "fast" | "standard" | "ultra";
                        /**
                         * @default 1:1
                         * @enum {string}
                         */
                        aspectRatio?: "1:1" | "3:4" | "4:3" | "9:16" | "16:9" | "2:3" | "3:2" | "4:5" | "5:4" | "21:9";
                        /** @default 1 */
                        count?: number;
                        seed?: number;
                        /**
                         * @description 2K costs 50% more and needs a provider that makes 2K images
                         * @default 1K
                         * @enum {string}
                         */
                        size?: "1K" | "2K";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            images: {
                                id: string;
                                url: string;
                                /** @description the site it is restricted to; null: shared by every site of the account */
                                siteId: string | null;
                                width: number;
                                height: number;
                                mimeType: string;
                                /** @enum {string} */
                                operation: "generate" | "edit" | "upscale";
                                provider: string;
                                model: string;
                                prompt: string | null;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                                sourceImageId: string | null;
                                createdAt: string;
                            }[];
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                            /** @description Images the provider's safety filter removed (not charged) */
                            filtered: number;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                501: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images/edits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Edit an image: inpaint, remove an object, outpaint, swap the background, or follow an instruction
         * @description JSON with base64 `image`/`mask` or the `imageId` of a stored image, or multipart with files `image` and `mask`.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A PNG, JPEG or WebP as base64 or a data: URL */
                        image?: string;
                        imageId?: string;
                        /** @description The image's size; white (non-zero) pixels mark what to edit */
                        mask?: string;
                        prompt?: string;
                        negativePrompt?: string;
                        /** @enum {string} */
                        mode: "inpaint" | "remove" | "outpaint" | "background" | "instruct";
                        /**
                         * @default standard
                         * @enum {string}
                         */
                        quality?: "fast" | "standard" | "ultra";
                        /** @default 1 */
                        count?: number;
                        seed?: number;
                        outpaint?: {
                            /** @default 0 */
                            left?: number;
                            /** @default 0 */
                            right?: number;
                            /** @default 0 */
                            top?: number;
                            /** @default 0 */
                            bottom?: number;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            images: {
                                id: string;
                                url: string;
                                /** @description the site it is restricted to; null: shared by every site of the account */
                                siteId: string | null;
                                width: number;
                                height: number;
                                mimeType: string;
                                /** @enum {string} */
                                operation: "generate" | "edit" | "upscale";
                                provider: string;
                                model: string;
                                prompt: string | null;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                                sourceImageId: string | null;
                                createdAt: string;
                            }[];
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                            /** @description Images the provider's safety filter removed (not charged) */
                            filtered: number;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                501: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images/upscales": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upscale an image ×2 or ×4
         * @description JSON with a base64 `image` or the `imageId` of a stored image, or multipart with the file `image`.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description A PNG, JPEG or WebP as base64 or a data: URL */
                        image?: string;
                        imageId?: string;
                        factor: 2 | 4;
                        /**
                         * @description learned (super-resolution model) or fast (Lanczos)
                         * @enum {string}
                         */
                        method?: "learned" | "fast";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            images: {
                                id: string;
                                url: string;
                                /** @description the site it is restricted to; null: shared by every site of the account */
                                siteId: string | null;
                                width: number;
                                height: number;
                                mimeType: string;
                                /** @enum {string} */
                                operation: "generate" | "edit" | "upscale";
                                provider: string;
                                model: string;
                                prompt: string | null;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                                sourceImageId: string | null;
                                createdAt: string;
                            }[];
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                            /** @description Images the provider's safety filter removed (not charged) */
                            filtered: number;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                402: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                501: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images/capabilities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the configured image providers can do */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            providers: string[];
                            capabilities: string[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stored images, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                url: string;
                                /** @description the site it is restricted to; null: shared by every site of the account */
                                siteId: string | null;
                                width: number;
                                height: number;
                                mimeType: string;
                                /** @enum {string} */
                                operation: "generate" | "edit" | "upscale";
                                provider: string;
                                model: string;
                                prompt: string | null;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                                sourceImageId: string | null;
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            /** @description the site it is restricted to; null: shared by every site of the account */
                            siteId: string | null;
                            width: number;
                            height: number;
                            mimeType: string;
                            /** @enum {string} */
                            operation: "generate" | "edit" | "upscale";
                            provider: string;
                            model: string;
                            prompt: string | null;
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                            sourceImageId: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete an image and its bytes, permanently (free) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deleted: {
                                images: number;
                                bytes: number;
                                storedReplies: number;
                            };
                            /** @enum {number} */
                            credits: 0;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change which sites may use an image (owner only) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description the site it is restricted to; null: shared by every site of the account */
                        siteId: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            /** @description the site it is restricted to; null: shared by every site of the account */
                            siteId: string | null;
                            width: number;
                            height: number;
                            mimeType: string;
                            /** @enum {string} */
                            operation: "generate" | "edit" | "upscale";
                            provider: string;
                            model: string;
                            prompt: string | null;
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                            sourceImageId: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/images/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The image's bytes */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Image providers in use, what they can do, and the provider-account failures this process saw */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            providers: string[];
                            capabilities: string[];
                            /** @description false: no provider that generates from text is configured */
                            canGenerate: boolean;
                            /** @description this process since it started; /metrics has provider_account_failures_total */
                            accountFailures: {
                                provider: string;
                                /** @description the provider's HTTP status (401, 402, 403, 429) */
                                status: string;
                                count: number;
                                lastAt: string;
                                lastDetail: string;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete data permanently and free: with the owner's key every knowledge base, document and image of the account; with a site's key only that site's */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deleted: {
                                knowledgeBases: number;
                                documents: number;
                                chunks: number;
                                images: number;
                                files: number;
                                bytes: number;
                                storedReplies: number;
                                jobs: number;
                            };
                            /** @enum {number} */
                            credits: 0;
                            completedAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/balance-alert": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The low-balance alert: threshold, email on or off, and whether the balance is below it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Warn when the balance falls below this many credits; 0 turns the alert off */
                            thresholdCredits: number;
                            /** @description Also send the low-balance and out-of-credits alerts by email */
                            email: boolean;
                            /**
                             * @description `armed`: the next fall below the threshold alerts; `below_threshold`: the balance is under it
                             * @enum {string}
                             */
                            state: "off" | "armed" | "below_threshold";
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Set the low-balance alert (owner only)
         * @description An alert (`balance.low` event, and an email when `email` is true) fires once each time a spend takes the balance below the threshold, and re-arms when credits bring it back at or above it (`balance.recovered`).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Warn when the balance falls below this many credits; 0 turns the alert off */
                        thresholdCredits: number;
                        email: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Warn when the balance falls below this many credits; 0 turns the alert off */
                            thresholdCredits: number;
                            /** @description Also send the low-balance and out-of-credits alerts by email */
                            email: boolean;
                            /**
                             * @description `armed`: the next fall below the threshold alerts; `below_threshold`: the balance is under it
                             * @enum {string}
                             */
                            state: "off" | "armed" | "below_threshold";
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/balance-alert": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's low-balance alert: threshold, email on or off, and whether the balance is below it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Warn when the balance falls below this many credits; 0 turns the alert off */
                            thresholdCredits: number;
                            /** @description Also send the low-balance and out-of-credits alerts by email */
                            email: boolean;
                            /**
                             * @description `armed`: the next fall below the threshold alerts; `below_threshold`: the balance is under it
                             * @enum {string}
                             */
                            state: "off" | "armed" | "below_threshold";
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator-changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the service's operator changed in the account's rules (spend limits, auto top-up), and why */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @enum {string} */
                                rule: "spend_limit" | "auto_topup";
                                /** @description the spend limit changed; null for auto top-up */
                                subjectId: string | null;
                                /** @description what changed, in words */
                                summary: string;
                                /** @description why, as the operator wrote it */
                                reason: string;
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/operator-changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the operator changed in an account's rules, newest first (the customer sees the same list) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @enum {string} */
                                rule: "spend_limit" | "auto_topup";
                                /** @description the spend limit changed; null for auto top-up */
                                subjectId: string | null;
                                /** @description what changed, in words */
                                summary: string;
                                /** @description why, as the operator wrote it */
                                reason: string;
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the webhook endpoints */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                url: string;
                                description: string | null;
                                events: ("balance.low" | "balance.depleted" | "balance.recovered" | "purchase.completed" | "purchase.refunded" | "auto_topup.succeeded" | "auto_topup.failed" | "spend_limit.reached" | "document.ready" | "document.failed" | "license.expiring" | "license.expired" | "*")[];
                                enabled: boolean;
                                /** @description `failing`: the service turned it off because every attempt failed for too long; null otherwise */
                                disabledReason: "failing" | null;
                                createdAt: string;
                                updatedAt: string;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add a webhook endpoint (the signing secret is in this reply only) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description http(s) URL that receives the POSTs */
                        url: string;
                        /** @description the event types it receives; ["*"] receives every type, including ones added later */
                        events: ("balance.low" | "balance.depleted" | "balance.recovered" | "purchase.completed" | "purchase.refunded" | "auto_topup.succeeded" | "auto_topup.failed" | "spend_limit.reached" | "document.ready" | "document.failed" | "license.expiring" | "license.expired" | "*")[];
                        enabled?: boolean;
                        description?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            description: string | null;
                            events: ("balance.low" | "balance.depleted" | "balance.recovered" | "purchase.completed" | "purchase.refunded" | "auto_topup.succeeded" | "auto_topup.failed" | "spend_limit.reached" | "document.ready" | "document.failed" | "license.expiring" | "license.expired" | "*")[];
                            enabled: boolean;
                            /** @description `failing`: the service turned it off because every attempt failed for too long; null otherwise */
                            disabledReason: "failing" | null;
                            createdAt: string;
                            updatedAt: string;
                            /** @description the signing secret `whsec_…`: shown only in this reply; keep it on the receiver */
                            secret: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A webhook endpoint */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            description: string | null;
                            events: ("balance.low" | "balance.depleted" | "balance.recovered" | "purchase.completed" | "purchase.refunded" | "auto_topup.succeeded" | "auto_topup.failed" | "spend_limit.reached" | "document.ready" | "document.failed" | "license.expiring" | "license.expired" | "*")[];
                            enabled: boolean;
                            /** @description `failing`: the service turned it off because every attempt failed for too long; null otherwise */
                            disabledReason: "failing" | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete an endpoint and its delivery log */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change an endpoint's URL, events or description, or turn it off and on */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description http(s) URL that receives the POSTs */
                        url?: string;
                        /** @description the event types it receives; ["*"] receives every type, including ones added later */
                        events?: ("balance.low" | "balance.depleted" | "balance.recovered" | "purchase.completed" | "purchase.refunded" | "auto_topup.succeeded" | "auto_topup.failed" | "spend_limit.reached" | "document.ready" | "document.failed" | "license.expiring" | "license.expired" | "*")[];
                        enabled?: boolean;
                        description?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            description: string | null;
                            events: ("balance.low" | "balance.depleted" | "balance.recovered" | "purchase.completed" | "purchase.refunded" | "auto_topup.succeeded" | "auto_topup.failed" | "spend_limit.reached" | "document.ready" | "document.failed" | "license.expiring" | "license.expired" | "*")[];
                            enabled: boolean;
                            /** @description `failing`: the service turned it off because every attempt failed for too long; null otherwise */
                            disabledReason: "failing" | null;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the signing secret (the old one keeps signing beside it for 24 hours) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            description: string | null;
                            events: ("balance.low" | "balance.depleted" | "balance.recovered" | "purchase.completed" | "purchase.refunded" | "auto_topup.succeeded" | "auto_topup.failed" | "spend_limit.reached" | "document.ready" | "document.failed" | "license.expiring" | "license.expired" | "*")[];
                            enabled: boolean;
                            /** @description `failing`: the service turned it off because every attempt failed for too long; null otherwise */
                            disabledReason: "failing" | null;
                            createdAt: string;
                            updatedAt: string;
                            /** @description the signing secret `whsec_…`: shown only in this reply; keep it on the receiver */
                            secret: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The endpoint's delivery log, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description `nextCursor` of the previous page */
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** @description the `webhook-id` header of every attempt */
                                eventId: string;
                                eventType: string;
                                /** @enum {string} */
                                status: "pending" | "sending" | "delivered" | "failed";
                                attempts: number;
                                /** @description the HTTP status of the latest attempt */
                                responseStatus: number | null;
                                /** @description why the latest attempt failed */
                                error: string | null;
                                latencyMs: number | null;
                                nextAttemptAt: string | null;
                                lastAttemptAt: string | null;
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a delivery again now (same event, same webhook-id) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    deliveryId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description the `webhook-id` header of every attempt */
                            eventId: string;
                            eventType: string;
                            /** @enum {string} */
                            status: "pending" | "sending" | "delivered" | "failed";
                            attempts: number;
                            /** @description the HTTP status of the latest attempt */
                            responseStatus: number | null;
                            /** @description why the latest attempt failed */
                            error: string | null;
                            latencyMs: number | null;
                            nextAttemptAt: string | null;
                            lastAttemptAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a `webhook.test` event to this endpoint */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description the `webhook-id` header of every attempt */
                            eventId: string;
                            eventType: string;
                            /** @enum {string} */
                            status: "pending" | "sending" | "delivered" | "failed";
                            attempts: number;
                            /** @description the HTTP status of the latest attempt */
                            responseStatus: number | null;
                            /** @description why the latest attempt failed */
                            error: string | null;
                            latencyMs: number | null;
                            nextAttemptAt: string | null;
                            lastAttemptAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's webhook endpoints with their last 5 deliveries (never the signing secret) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                url: string;
                                description: string | null;
                                events: ("balance.low" | "balance.depleted" | "balance.recovered" | "purchase.completed" | "purchase.refunded" | "auto_topup.succeeded" | "auto_topup.failed" | "spend_limit.reached" | "document.ready" | "document.failed" | "license.expiring" | "license.expired" | "*")[];
                                enabled: boolean;
                                /** @description `failing`: the service turned it off because every attempt failed for too long; null otherwise */
                                disabledReason: "failing" | null;
                                createdAt: string;
                                updatedAt: string;
                                /** @description newest first */
                                recentDeliveries: {
                                    id: string;
                                    /** @description the `webhook-id` header of every attempt */
                                    eventId: string;
                                    eventType: string;
                                    /** @enum {string} */
                                    status: "pending" | "sending" | "delivered" | "failed";
                                    attempts: number;
                                    /** @description the HTTP status of the latest attempt */
                                    responseStatus: number | null;
                                    /** @description why the latest attempt failed */
                                    error: string | null;
                                    latencyMs: number | null;
                                    nextAttemptAt: string | null;
                                    lastAttemptAt: string | null;
                                    createdAt: string;
                                }[];
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Revenue, grants and usage per UTC day (default the last 30 days), and the credits still owed */
        get: {
            parameters: {
                query?: {
                    days?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            from: string;
                            to: string;
                            revenue: {
                                date: string;
                                cents: number;
                                purchases: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                            }[];
                            usage: {
                                date: string;
                                operation: string;
                                count: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                credits: number;
                            }[];
                            totals: {
                                revenueCents: number;
                                purchases: number;
                                /** @description bought through Stripe in the period, bonus included */
                                creditsSold: number;
                                /** @description granted by the operator in the period */
                                creditsGranted: number;
                                grants: number;
                                /** @description taken back by the operator's downward adjustments in the period */
                                creditsAdjusted: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                creditsUsed: number;
                                /** @description credits used in the period per feature */
                                usedByFeature: {
                                    [key: string]: number;
                                };
                                /** @description held by all accounts now (available + reserved): service still owed, sold or granted */
                                outstandingCredits: number;
                                /** @description of which held by operations in flight */
                                reservedCredits: number;
                                accounts: number;
                                activeLicenses: number;
                            };
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/purchases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A customer's Stripe purchases (every Checkout Session they started), newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                /** @description the Stripe Checkout Session */
                                id: string;
                                /** @description null: a top-up of any amount */
                                packId: string | null;
                                amountCents: number;
                                /** @description credits the purchase adds, bonus included */
                                credits: number;
                                /** @description Credits, with up to three decimals (exact millicredits) */
                                bonusCredits: number;
                                /** @enum {string} */
                                status: "open" | "pending" | "fulfilled" | "failed" | "expired" | "rejected";
                                refundedCents: number;
                                createdAt: string;
                                fulfilledAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a Stripe Checkout Session for a pack or a custom amount */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        packId: string;
                        /** @description Where Checkout returns to (a site's key only, on the site's own origin); `checkout=success|cancelled` is appended */
                        returnUrl?: string;
                        /** @description Also save the card for auto top-up (the account owner only): Stripe keeps it for payments made later */
                        saveCard?: boolean;
                    } | {
                        /** @description A top-up of any amount from $1, in whole cents */
                        amountCents: number;
                        /** @description Where Checkout returns to (a site's key only, on the site's own origin); `checkout=success|cancelled` is appended */
                        returnUrl?: string;
                        /** @description Also save the card for auto top-up (the account owner only): Stripe keeps it for payments made later */
                        saveCard?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            url: string;
                            sessionId: string;
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            credits: number;
                            /** @description Credits, with up to three decimals (exact millicredits) */
                            bonusCredits: number;
                            amountCents: number;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                501: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auto-topup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The auto top-up rule, the saved card and this month's top-ups (the account owner only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description False when this service takes no payments */
                            available: boolean;
                            enabled: boolean;
                            thresholdCredits: number | null;
                            packId: string | null;
                            amountCents: number | null;
                            /** @description What one top-up adds (bonus included) */
                            credits: number | null;
                            maxPerMonth: number | null;
                            maxCentsPerMonth: number | null;
                            card: {
                                brand: string;
                                last4: string;
                                expMonth: number | null;
                                expYear: number | null;
                            } | null;
                            thisMonth: {
                                count: number;
                                amountCents: number;
                                attempts: {
                                    id: string;
                                    /** @enum {string} */
                                    status: "pending" | "succeeded" | "failed";
                                    amountCents: number;
                                    /** @description Credits, with up to three decimals (exact millicredits) */
                                    credits: number;
                                    createdAt: string;
                                    /** @description Why it failed, in words for the customer */
                                    message: string | null;
                                }[];
                            };
                            consecutiveFailures: number;
                            lastFailure: {
                                code: string;
                                message: string;
                                at: string;
                            } | null;
                            /** @description When the rule turned itself off after failed payments */
                            turnedOffAt: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /** Set the auto top-up rule: below a threshold, buy a pack or an amount from the saved card */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled: boolean;
                        /** @description Top up when the balance falls below this */
                        thresholdCredits: number;
                        /** @description The pack to buy (or give amountCents) */
                        packId?: string;
                        /** @description An amount to buy, in cents (or give packId) */
                        amountCents?: number;
                        /** @description At most this many top-ups per calendar month (UTC) */
                        maxPerMonth: number;
                        /** @description At most this much money per calendar month (UTC), in cents */
                        maxCentsPerMonth?: number | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description False when this service takes no payments */
                            available: boolean;
                            enabled: boolean;
                            thresholdCredits: number | null;
                            packId: string | null;
                            amountCents: number | null;
                            /** @description What one top-up adds (bonus included) */
                            credits: number | null;
                            maxPerMonth: number | null;
                            maxCentsPerMonth: number | null;
                            card: {
                                brand: string;
                                last4: string;
                                expMonth: number | null;
                                expYear: number | null;
                            } | null;
                            thisMonth: {
                                count: number;
                                amountCents: number;
                                attempts: {
                                    id: string;
                                    /** @enum {string} */
                                    status: "pending" | "succeeded" | "failed";
                                    amountCents: number;
                                    /** @description Credits, with up to three decimals (exact millicredits) */
                                    credits: number;
                                    createdAt: string;
                                    /** @description Why it failed, in words for the customer */
                                    message: string | null;
                                }[];
                            };
                            consecutiveFailures: number;
                            lastFailure: {
                                code: string;
                                message: string;
                                at: string;
                            } | null;
                            /** @description When the rule turned itself off after failed payments */
                            turnedOffAt: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                501: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/auto-topup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An account's auto top-up rule, saved card and this month's top-ups */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description False when this service takes no payments */
                            available: boolean;
                            enabled: boolean;
                            thresholdCredits: number | null;
                            packId: string | null;
                            amountCents: number | null;
                            /** @description What one top-up adds (bonus included) */
                            credits: number | null;
                            maxPerMonth: number | null;
                            maxCentsPerMonth: number | null;
                            card: {
                                brand: string;
                                last4: string;
                                expMonth: number | null;
                                expYear: number | null;
                            } | null;
                            thisMonth: {
                                count: number;
                                amountCents: number;
                                attempts: {
                                    id: string;
                                    /** @enum {string} */
                                    status: "pending" | "succeeded" | "failed";
                                    amountCents: number;
                                    /** @description Credits, with up to three decimals (exact millicredits) */
                                    credits: number;
                                    createdAt: string;
                                    /** @description Why it failed, in words for the customer */
                                    message: string | null;
                                }[];
                            };
                            consecutiveFailures: number;
                            lastFailure: {
                                code: string;
                                message: string;
                                at: string;
                            } | null;
                            /** @description When the rule turned itself off after failed payments */
                            turnedOffAt: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auto-topup/card": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove the saved card (auto top-up turns off) — the account owner only */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description False when this service takes no payments */
                            available: boolean;
                            enabled: boolean;
                            thresholdCredits: number | null;
                            packId: string | null;
                            amountCents: number | null;
                            /** @description What one top-up adds (bonus included) */
                            credits: number | null;
                            maxPerMonth: number | null;
                            maxCentsPerMonth: number | null;
                            card: {
                                brand: string;
                                last4: string;
                                expMonth: number | null;
                                expYear: number | null;
                            } | null;
                            thisMonth: {
                                count: number;
                                amountCents: number;
                                attempts: {
                                    id: string;
                                    /** @enum {string} */
                                    status: "pending" | "succeeded" | "failed";
                                    amountCents: number;
                                    /** @description Credits, with up to three decimals (exact millicredits) */
                                    credits: number;
                                    createdAt: string;
                                    /** @description Why it failed, in words for the customer */
                                    message: string | null;
                                }[];
                            };
                            consecutiveFailures: number;
                            lastFailure: {
                                code: string;
                                message: string;
                                at: string;
                            } | null;
                            /** @description When the rule turned itself off after failed payments */
                            turnedOffAt: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                501: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auto-topup/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start saving a card for auto top-up: a Stripe Checkout page in setup mode (the account owner only) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            url: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                501: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{accountId}/auto-topup/turn-off": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn an account's auto top-up off (on the customer's behalf)
         * @description No further top-up starts; one already started finishes. The change is recorded with its reason and the customer sees both (`GET /v1/operator-changes`, and the dashboard). Only the customer can turn it back on. Turning off a rule that is already off changes and records nothing.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    accountId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Why the operator made the change, e.g. the support ticket; the customer sees it */
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description False when this service takes no payments */
                            available: boolean;
                            enabled: boolean;
                            thresholdCredits: number | null;
                            packId: string | null;
                            amountCents: number | null;
                            /** @description What one top-up adds (bonus included) */
                            credits: number | null;
                            maxPerMonth: number | null;
                            maxCentsPerMonth: number | null;
                            card: {
                                brand: string;
                                last4: string;
                                expMonth: number | null;
                                expYear: number | null;
                            } | null;
                            thisMonth: {
                                count: number;
                                amountCents: number;
                                attempts: {
                                    id: string;
                                    /** @enum {string} */
                                    status: "pending" | "succeeded" | "failed";
                                    amountCents: number;
                                    /** @description Credits, with up to three decimals (exact millicredits) */
                                    credits: number;
                                    createdAt: string;
                                    /** @description Why it failed, in words for the customer */
                                    message: string | null;
                                }[];
                            };
                            consecutiveFailures: number;
                            lastFailure: {
                                code: string;
                                message: string;
                                at: string;
                            } | null;
                            /** @description When the rule turned itself off after failed payments */
                            turnedOffAt: string | null;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in to the dashboard with a licence key or an API key: sets an HttpOnly session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        key: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            signedIn: true;
                            /** @enum {string} */
                            kind: "customer";
                            accountId: string;
                            email: string;
                            licenseId: string;
                            /** @enum {string} */
                            plan: "personal" | "agency";
                            /** @enum {string} */
                            licenseStatus: "active" | "revoked" | "expired";
                            siteId: string | null;
                            keyId: string | null;
                            /** @enum {string} */
                            via: "api_key" | "license_key";
                            /** @description Send it as the X-CSRF-Token header on every POST, PATCH and DELETE */
                            csrfToken: string;
                            expiresAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who the dashboard session is, and its CSRF token
         * @description The session as `POST /v1/sessions` answers it; a page asks this on every load, signed in or not, so it always answers 200: `{signedIn: false}` when the request carries no live session (no cookie, an expired or signed-out one, a licence that no longer exists). The other routes still answer 401 to a request without a valid session or key.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            signedIn: true;
                            /** @enum {string} */
                            kind: "customer";
                            accountId: string;
                            email: string;
                            licenseId: string;
                            /** @enum {string} */
                            plan: "personal" | "agency";
                            /** @enum {string} */
                            licenseStatus: "active" | "revoked" | "expired";
                            siteId: string | null;
                            keyId: string | null;
                            /** @enum {string} */
                            via: "api_key" | "license_key";
                            /** @description Send it as the X-CSRF-Token header on every POST, PATCH and DELETE */
                            csrfToken: string;
                            expiresAt: string;
                        } | {
                            /** @enum {boolean} */
                            signedIn: false;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Sign out of the dashboard (needs the X-CSRF-Token header) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            signedOut: boolean;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Operator sign-in with ADMIN_TOKEN: sets a separate HttpOnly operator session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            kind: "operator";
                            /** @description Send it as the X-CSRF-Token header on every POST, PATCH and DELETE */
                            csrfToken: string;
                            expiresAt: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The operator session and its CSRF token; `{signedIn: false}` when not signed in
         * @description A probe: the admin pages ask it on every load, so a signed-out visit answers 200 `{signedIn: false}` rather than an error status (every other /v1/admin route still answers 401 without a session).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            kind: "operator";
                            /** @description Send it as the X-CSRF-Token header on every POST, PATCH and DELETE */
                            csrfToken: string;
                            expiresAt: string;
                            /** @enum {boolean} */
                            signedIn: true;
                        } | {
                            /** @enum {boolean} */
                            signedIn: false;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Operator sign-out (needs the X-CSRF-Token header) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            signedOut: boolean;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/stripe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stripe's signed webhook events (Checkout fulfilment, refunds) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            received: true;
                            outcome: string;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description An RFC 9457 problem document; `code` is one of a closed list */
                501: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail: string;
                            requestId?: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
