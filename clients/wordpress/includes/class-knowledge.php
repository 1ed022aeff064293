<?php
/**
 * Site knowledge: published posts of the chosen types are kept in one knowledge base. Publishing or updating queues
 * the post (API_Credits_Sync sends it outside the save request: the rendered text, title as heading, permalink in the
 * metadata, replacing the old document); unpublishing, trashing or deleting removes it at once (free, no indexing).
 * Private, draft and password-protected posts are never sent.
 *
 * @package api-credits
 */

defined( 'ABSPATH' ) || exit;

final class API_Credits_Knowledge {
	public const DOC_META = '_api_credits_doc_id';
	public const ERR_META = '_api_credits_sync_error';
	private const BATCH   = 5;

	public static function register(): void {
		add_action( 'wp_after_insert_post', array( self::class, 'on_save' ), 10, 2 );
		add_action( 'trashed_post', array( self::class, 'remove' ) );
		add_action( 'before_delete_post', array( self::class, 'remove' ) );
	}

	public static function routes( callable $r, callable $manage ): void {
		$r( '/index', 'GET', array( self::class, 'index_state' ), $manage );
		$r( '/index', 'POST', array( self::class, 'index_batch' ), $manage );
	}

	/** Whether a post may be sent: published, public, of a chosen type, no password. */
	public static function eligible( WP_Post $post ): bool {
		return 'publish' === $post->post_status
			&& '' === $post->post_password
			&& in_array( $post->post_type, API_Credits_Settings::options()['postTypes'], true )
			&& is_post_type_viewable( $post->post_type );
	}

	public static function on_save( $post_id, $post ): void {
		if ( ! $post instanceof WP_Post || wp_is_post_revision( $post ) || wp_is_post_autosave( $post ) || ! API_Credits_Settings::is_connected() ) {
			return;
		}
		if ( self::eligible( $post ) ) {
			API_Credits_Sync::enqueue( $post->ID );
		} else {
			self::remove( $post->ID );
		}
	}

	/** The document's HTML: the title as its heading, then the rendered content. */
	public static function document_html( WP_Post $post ): string {
		$content = apply_filters( 'the_content', $post->post_content ); // phpcs:ignore WordPress.NamingConventions.PrefixAllGlobals.NonPrefixedHooknameFound
		return '<h1>' . esc_html( get_the_title( $post ) ) . '</h1>' . "\n" . wp_kses_post( (string) $content );
	}

	/** Sends the post; a changed post replaces its old document, an unchanged one is answered by dedup for free. */
	public static function sync( WP_Post $post ) {
		// The queue entry as it was before sending: a save made meanwhile changes it and so stays queued.
		$queued = get_post_meta( $post->ID, API_Credits_Sync::META, true );
		$kb     = self::knowledge_base();
		if ( is_wp_error( $kb ) ) {
			update_post_meta( $post->ID, self::ERR_META, $kb->get_error_message() );
			return $kb;
		}
		$res = API_Credits_Client::request(
			'POST',
			'/v1/knowledge-bases/' . rawurlencode( $kb ) . '/documents',
			array(
				'timeout' => 60,
				'body'    => array(
					'text'     => self::document_html( $post ),
					'name'     => mb_substr( sanitize_file_name( get_the_title( $post ) ), 0, 200 ) . '-' . $post->ID . '.html',
					'metadata' => array(
						'postId'   => $post->ID,
						'postType' => $post->post_type,
						'url'      => get_permalink( $post ),
					),
				),
			)
		);
		if ( is_wp_error( $res ) ) {
			update_post_meta( $post->ID, self::ERR_META, $res->get_error_message() );
			return $res;
		}
		$old = (string) get_post_meta( $post->ID, self::DOC_META, true );
		if ( '' !== $old && $old !== $res['id'] ) {
			self::delete_document( $kb, $old );
		}
		update_post_meta( $post->ID, self::DOC_META, (string) $res['id'] );
		delete_post_meta( $post->ID, self::ERR_META );
		if ( $queued ) {
			delete_post_meta( $post->ID, API_Credits_Sync::META, $queued );
		}
		delete_option( 'api_credits_last_402' );
		return $res;
	}

	/** Removes a post's document from the knowledge base (free). */
	public static function remove( $post_id ): void {
		API_Credits_Sync::dequeue( (int) $post_id );
		$doc = (string) get_post_meta( (int) $post_id, self::DOC_META, true );
		$kb  = API_Credits_Settings::options()['knowledgeBaseId'];
		if ( '' === $doc ) {
			return;
		}
		if ( '' !== $kb && API_Credits_Settings::is_connected() ) {
			self::delete_document( $kb, $doc );
		}
		delete_post_meta( (int) $post_id, self::DOC_META );
	}

	private static function delete_document( string $kb, string $doc ): void {
		API_Credits_Client::request( 'DELETE', '/v1/knowledge-bases/' . rawurlencode( $kb ) . '/documents/' . rawurlencode( $doc ), array( 'timeout' => 30 ) );
	}

	/** The site's knowledge base id, created on first use. */
	public static function knowledge_base() {
		$o = API_Credits_Settings::options();
		if ( '' !== $o['knowledgeBaseId'] ) {
			return $o['knowledgeBaseId'];
		}
		$res = API_Credits_Client::request(
			'POST',
			'/v1/knowledge-bases',
			array( 'body' => array( 'name' => mb_substr( 'WordPress: ' . wp_parse_url( home_url(), PHP_URL_HOST ) . ' ' . get_bloginfo( 'name' ), 0, 100 ) ) )
		);
		if ( is_wp_error( $res ) ) {
			return $res;
		}
		API_Credits_Settings::update_options( array( 'knowledgeBaseId' => (string) $res['id'] ) );
		return (string) $res['id'];
	}

	/** The post a document stands for, when it is still eligible. */
	public static function post_of_document( string $doc ): ?WP_Post {
		$posts = get_posts(
			array(
				'post_type'      => 'any',
				'post_status'    => 'publish',
				'posts_per_page' => 1,
				'meta_key'       => self::DOC_META, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key
				'meta_value'     => $doc, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value
			)
		);
		return isset( $posts[0] ) && self::eligible( $posts[0] ) ? $posts[0] : null;
	}

	public static function forget_documents(): void {
		delete_post_meta_by_key( self::DOC_META );
		delete_post_meta_by_key( self::ERR_META );
		delete_option( 'api_credits_index_state' );
		API_Credits_Sync::forget();
	}

	/** Ids of eligible posts after $after, in id order (the bulk index's resumable cursor). */
	private static function eligible_ids( int $after, int $limit ): array {
		global $wpdb;
		$types = API_Credits_Settings::options()['postTypes'];
		if ( ! $types ) {
			return array();
		}
		$in = implode( ',', array_fill( 0, count( $types ), '%s' ) );
		// phpcs:ignore WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching
		$sql = $wpdb->prepare( "SELECT ID FROM {$wpdb->posts} WHERE ID > %d AND post_status = 'publish' AND post_password = '' AND post_type IN ($in) ORDER BY ID LIMIT %d", array_merge( array( $after ), $types, array( $limit ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return array_map( 'intval', $wpdb->get_col( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching
	}

	public static function index_state() {
		$state = get_option( 'api_credits_index_state' );
		$state = is_array( $state ) ? $state : array(
			'cursor'  => 0,
			'indexed' => 0,
			'failed'  => 0,
			'done'    => false,
		);
		$state['total'] = count( self::eligible_ids( 0, PHP_INT_MAX ) );
		return rest_ensure_response( $state );
	}

	/** Indexes the next few posts and answers the progress; the screen calls it until done (resumes after a reload). */
	public static function index_batch( WP_REST_Request $request ) {
		if ( rest_sanitize_boolean( $request->get_param( 'restart' ) ) ) {
			delete_option( 'api_credits_index_state' );
		}
		$state = self::index_state()->get_data();
		$ids   = self::eligible_ids( (int) $state['cursor'], self::BATCH );
		foreach ( $ids as $id ) {
			$res = self::sync( get_post( $id ) );
			if ( is_wp_error( $res ) && 402 === ( $res->get_error_data()['status'] ?? 0 ) ) {
				return $res;
			}
			is_wp_error( $res ) ? $state['failed']++ : $state['indexed']++;
			$state['cursor'] = $id;
		}
		$state['done'] = count( $ids ) < self::BATCH;
		$total         = $state['total'];
		unset( $state['total'] );
		update_option( 'api_credits_index_state', $state, false );
		$state['total'] = $total;
		return rest_ensure_response( $state );
	}
}
