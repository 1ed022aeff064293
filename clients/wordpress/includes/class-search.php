<?php
/**
 * "Search this site": a block and a shortcode that query the site's knowledge base. Each query spends the owner's
 * credits, so it is off until the owner enables it, limited per visitor, and identical queries are answered from a
 * short cache (dropped whenever a post is synced or removed, so a trashed post is never found again).
 *
 * @package api-credits
 */

defined( 'ABSPATH' ) || exit;

final class API_Credits_Search {
	private const CACHE_SECONDS = 300;
	public const GENERATION     = 'api_credits_search_generation';

	public static function register(): void {
		add_shortcode( 'api_credits_search', array( self::class, 'render' ) );
		add_action( 'init', array( self::class, 'block' ) );
		add_action( 'updated_post_meta', array( self::class, 'on_meta' ), 10, 3 );
		add_action( 'added_post_meta', array( self::class, 'on_meta' ), 10, 3 );
		add_action( 'deleted_post_meta', array( self::class, 'on_meta' ), 10, 3 );
	}

	public static function block(): void {
		wp_register_script( 'api-credits-search-block', plugins_url( 'build/search-block.js', API_CREDITS_FILE ), array( 'wp-blocks', 'wp-element', 'wp-i18n' ), API_CREDITS_VERSION, true );
		wp_register_script( 'api-credits-search', plugins_url( 'build/search.js', API_CREDITS_FILE ), array(), API_CREDITS_VERSION, true );
		register_block_type(
			'api-credits/search',
			array(
				'api_version'     => 2,
				'title'           => __( 'Search this site', 'api-credits' ),
				'category'        => 'widgets',
				'editor_script'   => 'api-credits-search-block',
				'render_callback' => array( self::class, 'render' ),
			)
		);
	}

	/** Any change of a post's document id invalidates cached answers. */
	public static function on_meta( $meta_ids, $object_id, $meta_key ): void {
		if ( API_Credits_Knowledge::DOC_META === $meta_key ) {
			update_option( self::GENERATION, (int) get_option( self::GENERATION, 0 ) + 1, false );
		}
	}

	public static function routes( callable $r ): void {
		$r(
			'/search',
			'GET',
			array( self::class, 'rest' ),
			'__return_true',
			array(
				'q' => array(
					'type'     => 'string',
					'required' => true,
				),
			)
		);
	}

	public static function rest( WP_REST_Request $request ) {
		$results = self::search( (string) $request->get_param( 'q' ) );
		return is_wp_error( $results ) ? $results : rest_ensure_response( array( 'results' => $results ) );
	}

	/**
	 * Runs a visitor's search: results as [{title, url, text}], or a WP_Error (disabled 403, rate-limited 429).
	 *
	 * @return array|WP_Error
	 */
	public static function search( string $query ) {
		$o     = API_Credits_Settings::options();
		$query = mb_substr( trim( sanitize_text_field( $query ) ), 0, 200 );
		if ( ! $o['searchEnabled'] || '' === $o['knowledgeBaseId'] || ! API_Credits_Settings::is_connected() ) {
			return new WP_Error( 'api_credits_search_off', __( 'Search is not enabled on this site.', 'api-credits' ), array( 'status' => 403 ) );
		}
		if ( '' === $query ) {
			return array();
		}
		$cache_key = 'api_credits_sq_' . md5( get_option( self::GENERATION, 0 ) . '|' . mb_strtolower( $query ) );
		$cached    = get_transient( $cache_key );
		if ( is_array( $cached ) ) {
			return $cached;
		}
		if ( ! self::admit_visitor( $o['searchPerMinute'] ) ) {
			return new WP_Error( 'api_credits_rate_limited', __( 'Too many searches; try again in a minute.', 'api-credits' ), array( 'status' => 429 ) );
		}
		$res = API_Credits_Client::request(
			'POST',
			'/v1/knowledge-bases/' . rawurlencode( $o['knowledgeBaseId'] ) . '/query',
			array(
				'timeout' => 15,
				'body'    => array(
					'query' => $query,
					'topK'  => 8,
				),
			)
		);
		if ( is_wp_error( $res ) ) {
			return $res;
		}
		$out  = array();
		$seen = array();
		foreach ( $res['results'] as $hit ) {
			$post = API_Credits_Knowledge::post_of_document( (string) $hit['documentId'] );
			if ( ! $post || isset( $seen[ $post->ID ] ) ) {
				continue;
			}
			$seen[ $post->ID ] = true;
			$out[]             = array(
				// Plain text (the block escapes it when rendering; the script writes it as text).
				'title' => html_entity_decode( wp_strip_all_tags( get_the_title( $post ) ), ENT_QUOTES, 'UTF-8' ),
				'url'   => get_permalink( $post ),
				'text'  => wp_trim_words( wp_strip_all_tags( (string) $hit['text'] ), 40 ),
			);
		}
		set_transient( $cache_key, $out, self::CACHE_SECONDS );
		return $out;
	}

	/** A fixed one-minute window per visitor (a hash of the address: no address is stored). */
	private static function admit_visitor( int $per_minute ): bool {
		$ip  = isset( $_SERVER['REMOTE_ADDR'] ) ? sanitize_text_field( wp_unslash( $_SERVER['REMOTE_ADDR'] ) ) : '';
		$key = 'api_credits_rl_' . md5( wp_salt( 'nonce' ) . $ip . '|' . floor( time() / 60 ) );
		$n   = (int) get_transient( $key );
		if ( $n >= $per_minute ) {
			return false;
		}
		set_transient( $key, $n + 1, 60 );
		return true;
	}

	/**
	 * The block's and the shortcode's HTML: a GET form, and the results when the page was asked a question. The small
	 * script (build/search.js) answers the form without a reload through the REST route; without it the form works.
	 */
	public static function render(): string {
		wp_enqueue_script( 'api-credits-search' );
		$q    = isset( $_GET['acs_q'] ) ? sanitize_text_field( wp_unslash( $_GET['acs_q'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a read-only public search form
		$html = '<div class="api-credits-search" data-rest="' . esc_url( rest_url( API_Credits_Rest::NS . '/search' ) ) . '"'
			. ' data-empty="' . esc_attr__( 'Nothing found.', 'api-credits' ) . '" data-failed="' . esc_attr__( 'The search failed; try again.', 'api-credits' ) . '">'
			. '<form role="search" method="get">'
			. '<label>' . esc_html__( 'Search this site', 'api-credits' ) . ' <input type="search" name="acs_q" value="' . esc_attr( $q ) . '" maxlength="200"></label> '
			. '<button type="submit">' . esc_html__( 'Search', 'api-credits' ) . '</button></form>'
			. '<div class="api-credits-search-output" aria-live="polite">';
		if ( '' !== $q ) {
			$results = self::search( $q );
			if ( is_wp_error( $results ) ) {
				$html .= '<p class="api-credits-search-error">' . esc_html( $results->get_error_message() ) . '</p>';
			} elseif ( ! $results ) {
				$html .= '<p class="api-credits-search-empty">' . esc_html__( 'Nothing found.', 'api-credits' ) . '</p>';
			} else {
				$html .= '<ol class="api-credits-search-results">';
				foreach ( $results as $r ) {
					$html .= '<li><a href="' . esc_url( $r['url'] ) . '">' . esc_html( $r['title'] ) . '</a><p>' . esc_html( $r['text'] ) . '</p></li>';
				}
				$html .= '</ol>';
			}
		}
		return $html . '</div></div>';
	}
}
