<?php
/**
 * The plugin's own REST routes under /wp-json/api-credits/v1. The admin screens call only these (with the REST nonce
 * WordPress checks for cookie-authenticated requests); these call the service with the site key, which therefore
 * never reaches the browser.
 *
 * @package api-credits
 */

defined( 'ABSPATH' ) || exit;

final class API_Credits_Rest {
	public const NS = 'api-credits/v1';

	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'routes' ) );
	}

	public static function can_manage(): bool {
		return current_user_can( 'manage_options' );
	}

	public static function can_upload(): bool {
		return current_user_can( 'upload_files' );
	}

	public static function routes(): void {
		$manage = array( self::class, 'can_manage' );
		$upload = array( self::class, 'can_upload' );
		$r      = function ( string $path, string $methods, callable $cb, callable $perm, array $args = array() ) {
			register_rest_route(
				self::NS,
				$path,
				array(
					'methods'             => $methods,
					'callback'            => $cb,
					'permission_callback' => $perm,
					'args'                => $args,
				)
			);
		};
		$r( '/connection', 'GET', array( self::class, 'get_connection' ), $manage );
		$r(
			'/connect',
			'POST',
			array( self::class, 'connect' ),
			$manage,
			array(
				'serviceUrl' => array(
					'type'     => 'string',
					'required' => true,
				),
				'key'        => array(
					'type'     => 'string',
					'required' => true,
				),
			)
		);
		$r( '/disconnect', 'POST', array( self::class, 'disconnect' ), $manage );
		$r( '/options', 'POST', array( self::class, 'save_options' ), $manage );
		$r( '/balance', 'GET', array( self::class, 'balance' ), $upload );
		$r( '/plan', 'GET', array( self::class, 'plan' ), $manage );
		$r( '/packs', 'GET', array( self::class, 'packs' ), $manage );
		$r( '/checkout', 'POST', array( self::class, 'checkout' ), $manage );
		$r( '/data', 'DELETE', array( self::class, 'delete_data' ), $manage );
		API_Credits_Media::routes( $r, $upload );
		API_Credits_Knowledge::routes( $r, $manage );
		API_Credits_Sync::routes( $r, $manage );
		API_Credits_Search::routes( $r );
	}

	/** A WP_Error from the service, as the REST answer (its status kept: 402 drives the buy notice). */
	public static function answer( $result ) {
		return is_wp_error( $result ) ? $result : rest_ensure_response( $result );
	}

	public static function get_connection() {
		$o = API_Credits_Settings::options();
		return rest_ensure_response(
			array(
				'connection' => API_Credits_Settings::public_connection(),
				'options'    => $o,
				'postTypes'  => self::public_post_types(),
				'homeUrl'    => home_url(),
			)
		);
	}

	/** @return array<int,array{name:string,label:string}> */
	public static function public_post_types(): array {
		$out = array();
		foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
			if ( 'attachment' !== $type->name ) {
				$out[] = array(
					'name'  => $type->name,
					'label' => $type->labels->name,
				);
			}
		}
		return $out;
	}

	public static function connect( WP_REST_Request $request ) {
		$url = esc_url_raw( trim( (string) $request->get_param( 'serviceUrl' ) ), array( 'http', 'https' ) );
		$key = sanitize_text_field( (string) $request->get_param( 'key' ) );
		if ( '' === $url || '' === $key ) {
			return new WP_Error( 'api_credits_invalid', __( 'Enter the service URL and a licence key or an activation code.', 'api-credits' ), array( 'status' => 400 ) );
		}
		// An activation code (from the account owner's dashboard) connects without the licence key itself.
		$body = str_starts_with( $key, 'ac_' ) ? array( 'code' => $key ) : array( 'licenseKey' => $key );
		$res  = API_Credits_Client::request(
			'POST',
			'/v1/activations',
			array(
				'base' => $url,
				'auth' => false,
				'body' => $body + array( 'siteUrl' => home_url() ),
			)
		);
		if ( is_wp_error( $res ) ) {
			return $res;
		}
		if ( empty( $res['apiKey'] ) || empty( $res['siteId'] ) ) {
			return new WP_Error( 'api_credits_bad_reply', __( 'The service answered without a site key.', 'api-credits' ), array( 'status' => 502 ) );
		}
		API_Credits_Settings::save_connection( untrailingslashit( $url ), (string) $res['siteId'], (string) $res['apiKey'], isset( $res['keyId'] ) ? (string) $res['keyId'] : '' );
		// Reconnecting to the same account keeps the site's knowledge base; one this key cannot see is forgotten.
		$kb = API_Credits_Settings::options()['knowledgeBaseId'];
		if ( '' !== $kb ) {
			$seen = API_Credits_Client::request( 'GET', '/v1/knowledge-bases/' . rawurlencode( $kb ), array( 'timeout' => 10 ) );
			if ( is_wp_error( $seen ) && 404 === ( $seen->get_error_data()['status'] ?? 0 ) ) {
				API_Credits_Settings::update_options( array( 'knowledgeBaseId' => '' ) );
				API_Credits_Knowledge::forget_documents();
			}
		}
		return self::get_connection();
	}

	/** Revokes this site's key in the service (best effort: a service that is gone must not trap the site) and forgets it. */
	public static function disconnect() {
		$c = API_Credits_Settings::connection();
		if ( $c && ! empty( $c['keyId'] ) ) {
			API_Credits_Client::request( 'DELETE', '/v1/api-keys/' . rawurlencode( $c['keyId'] ), array( 'timeout' => 10 ) );
		}
		API_Credits_Settings::forget_connection();
		return self::get_connection();
	}

	public static function save_options( WP_REST_Request $request ) {
		$changes = array();
		if ( null !== $request->get_param( 'postTypes' ) ) {
			$allowed              = wp_list_pluck( self::public_post_types(), 'name' );
			$given                = array_map( 'sanitize_key', (array) $request->get_param( 'postTypes' ) );
			$changes['postTypes'] = array_values( array_intersect( $given, $allowed ) );
		}
		if ( null !== $request->get_param( 'searchEnabled' ) ) {
			$changes['searchEnabled'] = rest_sanitize_boolean( $request->get_param( 'searchEnabled' ) );
		}
		if ( null !== $request->get_param( 'searchPerMinute' ) ) {
			$changes['searchPerMinute'] = max( 1, min( 600, absint( $request->get_param( 'searchPerMinute' ) ) ) );
		}
		if ( null !== $request->get_param( 'deleteDataOnUninstall' ) ) {
			$changes['deleteDataOnUninstall'] = rest_sanitize_boolean( $request->get_param( 'deleteDataOnUninstall' ) );
		}
		API_Credits_Settings::update_options( $changes );
		return self::get_connection();
	}

	/** Balance plus the last 14 days of usage (credits per day) for the sparkline. */
	public static function balance() {
		$balance = API_Credits_Client::request( 'GET', '/v1/balance', array( 'timeout' => 10 ) );
		if ( is_wp_error( $balance ) ) {
			return $balance;
		}
		$from  = gmdate( 'Y-m-d', time() - 13 * DAY_IN_SECONDS );
		$usage = API_Credits_Client::request( 'GET', '/v1/usage?from=' . $from, array( 'timeout' => 10 ) );
		$days  = array();
		for ( $i = 13; $i >= 0; $i-- ) {
			$days[ gmdate( 'Y-m-d', time() - $i * DAY_IN_SECONDS ) ] = 0;
		}
		if ( ! is_wp_error( $usage ) && isset( $usage['data'] ) ) {
			foreach ( $usage['data'] as $row ) {
				if ( isset( $days[ $row['date'] ] ) ) {
					$days[ $row['date'] ] += (float) $row['credits'];
				}
			}
		}
		$last402 = (int) get_option( 'api_credits_last_402', 0 );
		// Below the owner's low-balance alert threshold (set in the service's dashboard): a notice with the buy link.
		$site = API_Credits_Client::request( 'GET', '/v1/site', array( 'timeout' => 10 ) );
		return rest_ensure_response(
			array(
				'credits'         => $balance['credits'],
				'reservedCredits' => $balance['reservedCredits'],
				'usage'           => array_values( $days ),
				'needsCredits'    => $last402 > 0,
				'lowBalance'      => ! is_wp_error( $site ) && ! empty( $site['lowBalance'] ),
				'buyUrl'          => admin_url( 'admin.php?page=api-credits#buy' ),
			)
		);
	}

	/** The licence's plan and this site as the service knows them (cached for ten minutes: plans rarely change). */
	public static function plan() {
		$plan = get_transient( API_Credits_Settings::PLAN_CACHE );
		if ( ! is_array( $plan ) ) {
			$res = API_Credits_Client::request( 'GET', '/v1/site', array( 'timeout' => 10 ) );
			if ( is_wp_error( $res ) ) {
				return $res;
			}
			$plan = array(
				'plan'      => (string) $res['license']['plan'],
				'status'    => (string) $res['license']['status'],
				'expiresAt' => $res['license']['expiresAt'],
				'siteLimit' => (int) $res['license']['siteLimit'],
				'sitesUsed' => (int) $res['license']['sitesUsed'],
				'siteUrl'   => isset( $res['site']['url'] ) ? (string) $res['site']['url'] : '',
			);
			set_transient( API_Credits_Settings::PLAN_CACHE, $plan, 10 * MINUTE_IN_SECONDS );
		}
		return rest_ensure_response( $plan );
	}

	public static function packs() {
		return self::answer( API_Credits_Client::request( 'GET', '/v1/packs', array( 'auth' => false ) ) );
	}

	/** Starts Stripe Checkout in the service, returning to this settings screen (the service checks the origin). */
	public static function checkout( WP_REST_Request $request ) {
		$body = array( 'returnUrl' => admin_url( 'admin.php?page=api-credits' ) );
		if ( $request->get_param( 'packId' ) ) {
			$body['packId'] = sanitize_key( (string) $request->get_param( 'packId' ) );
		} else {
			$body['amountCents'] = absint( $request->get_param( 'amountCents' ) );
		}
		$res = API_Credits_Client::request( 'POST', '/v1/checkout', array( 'body' => $body ) );
		return is_wp_error( $res ) ? $res : rest_ensure_response( array( 'url' => esc_url_raw( $res['url'] ) ) );
	}

	/** Deletes this site's data in the service (knowledge bases, documents, images) and shows the receipt. */
	public static function delete_data() {
		$res = API_Credits_Client::request( 'DELETE', '/v1/data', array( 'timeout' => 60 ) );
		if ( is_wp_error( $res ) ) {
			return $res;
		}
		API_Credits_Settings::update_options( array( 'knowledgeBaseId' => '' ) );
		API_Credits_Knowledge::forget_documents();
		return rest_ensure_response( $res );
	}
}
