<?php
/**
 * HTTP calls to the api-credits service with wp_remote_request. Errors come back as WP_Error carrying the service's
 * problem+json code and HTTP status, so the REST layer can pass a 402 to the admin screens as a "buy credits" notice.
 *
 * @package api-credits
 */

defined( 'ABSPATH' ) || exit;

final class API_Credits_Client {
	/**
	 * Calls the service with the site key (or none, for public routes).
	 *
	 * @param array $opts body (array → JSON), headers, timeout, auth (default true), base (service URL override).
	 * @return array|WP_Error decoded JSON body
	 */
	public static function request( string $method, string $path, array $opts = array() ) {
		$base = isset( $opts['base'] ) ? $opts['base'] : API_Credits_Settings::service_url();
		if ( '' === $base ) {
			return new WP_Error( 'api_credits_not_connected', __( 'This site is not connected to the service.', 'api-credits' ), array( 'status' => 409 ) );
		}
		$headers = array( 'Accept' => 'application/json' );
		if ( ! isset( $opts['auth'] ) || $opts['auth'] ) {
			$key = API_Credits_Settings::site_key();
			if ( null === $key ) {
				return new WP_Error( 'api_credits_not_connected', __( 'This site is not connected to the service.', 'api-credits' ), array( 'status' => 409 ) );
			}
			$headers['Authorization'] = 'Bearer ' . $key;
		}
		$args = array(
			'method'      => $method,
			'timeout'     => isset( $opts['timeout'] ) ? (float) $opts['timeout'] : 30.0,
			'redirection' => 0,
			'headers'     => array_merge( $headers, isset( $opts['headers'] ) ? $opts['headers'] : array() ),
		);
		if ( isset( $opts['body'] ) ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $opts['body'] );
		}
		$response = wp_remote_request( untrailingslashit( $base ) . $path, $args );
		if ( is_wp_error( $response ) && preg_match( '/cURL error 28|timed out/i', $response->get_error_message() ) ) {
			return new WP_Error( 'api_credits_timeout', __( 'The service did not answer in time.', 'api-credits' ), array( 'status' => 504 ) );
		}
		if ( is_wp_error( $response ) ) {
			return new WP_Error( 'api_credits_unreachable', __( 'The service could not be reached.', 'api-credits' ), array( 'status' => 502 ) );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$json   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( $status >= 200 && $status < 300 ) {
			return is_array( $json ) ? $json : array();
		}
		return self::problem( $status, is_array( $json ) ? $json : array() );
	}

	/** A problem+json answer as WP_Error; a 402 also remembers itself so the admin notice can offer to buy. */
	public static function problem( int $status, array $json ): WP_Error {
		$code   = isset( $json['code'] ) ? (string) $json['code'] : 'HTTP_' . $status;
		$detail = isset( $json['detail'] ) ? (string) $json['detail'] : ( isset( $json['title'] ) ? (string) $json['title'] : 'HTTP ' . $status );
		if ( 402 === $status ) {
			update_option( 'api_credits_last_402', time(), false );
		}
		return new WP_Error(
			'api_credits_' . strtolower( $code ),
			$detail,
			array(
				'status'      => $status,
				'serviceCode' => $code,
			)
		);
	}

	/** A fresh Idempotency-Key for one spending request (retries of that request reuse it). */
	public static function idempotency_key(): string {
		return wp_generate_uuid4();
	}
}
